package dev.nanochat.sae.corpus;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens files with transparent gzip: decided by the magic bytes 1f 8b, not by the file name. */
final class Inputs {
    private Inputs() {}

    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        return raw;
    }
}

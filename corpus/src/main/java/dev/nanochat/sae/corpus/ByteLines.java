package dev.nanochat.sae.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a stream into lines of raw bytes ('\n' terminated, a trailing '\r' dropped). Bytes, not
 * chars, so invalid UTF-8 is detected per line by the caller instead of being silently replaced.
 * A line longer than {@link #MAX_LINE_BYTES} is an error rather than an allocation: no real document
 * is that long, and a few KB of gzip can expand to gigabytes without a newline.
 */
final class ByteLines implements RawDocumentSource {
    static final int MAX_LINE_BYTES = 64 << 20;

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    private boolean eof;

    ByteLines(InputStream in) {
        this.in = in;
    }

    @Override
    public byte[] next() throws IOException {
        if (eof) return null;
        line.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException(
                        "a line longer than " + MAX_LINE_BYTES + " bytes (not a line-per-document text file?)");
            }
            line.write(b);
        }
        if (b == -1) {
            eof = true;
            if (line.size() == 0) return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') return java.util.Arrays.copyOf(bytes, n - 1);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package dev.nanochat.sae.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child process for {@link AtomicDirectoryTest}: rewrites the target folder forever, version after
 * version (a "version" file plus 8 MB of bytes equal to version % 251), until it is killed.
 */
public final class AtomicDirectoryCrashWriter {
    static final int DATA_BYTES = 8 << 20;

    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        byte[] data = new byte[DATA_BYTES];
        for (int version = 1; ; version++) {
            int v = version;
            Arrays.fill(data, (byte) (v % 251));
            AtomicDirectory.write(target, dir -> {
                Files.write(dir.resolve("data.bin"), data);
                Files.writeString(dir.resolve("version"), Integer.toString(v));
            });
        }
    }
}

package dev.nanochat.sae.nanochat.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temp files start owner-only (0600); files torch.save/pickle write are 0644 under a usual umask.
 * We widen ours to rw-r--r-- before the rename so other users' nanochat can read them too.
 */
public final class FileModes {
    private FileModes() {}

    public static void worldReadable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // Non-POSIX file system: the default mode is what the user gets.
        }
    }
}

package dev.nanochat.sae.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Durable single-file writes and fsync helpers.
 *
 * <p>Design: POSIX durability needs the data fsynced before the rename and the directory fsynced
 * after it; otherwise a power loss can leave an empty file under the final name. The temp file is a
 * hidden sibling (same filesystem, so the rename is atomic) and is removed if filling it fails.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes {@code target} via temp sibling + fsync + atomic rename + directory fsync. */
    public static void write(Path target, IoConsumer<OutputStream> fill) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                fill.accept(out);
                out.flush();
                ch.force(true);
            }
            moveAtomically(tmp, abs);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Rename that replaces the target atomically (same directory ⇒ same filesystem). */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("filesystem of " + to.getParent() + " cannot rename atomically", e);
        }
    }

    /** fsync of a regular file's data and metadata. */
    public static void fsyncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** fsync of a directory so that creations and renames inside it are durable (Linux/macOS). */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open directories; durability there relies on the OS.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }
}

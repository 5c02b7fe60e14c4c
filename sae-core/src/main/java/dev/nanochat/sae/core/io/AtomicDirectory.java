package dev.nanochat.sae.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Crash-safe replacement of a whole directory (an SAE folder, a checkpoint).
 *
 * <p>Design: the content is written into a hidden sibling {@code .<name>.tmp-<uuid>}, a completion
 * marker is added last, every file and directory is fsynced, and only then is it renamed to the
 * target. POSIX cannot rename a directory over a non-empty one, so an existing target is first
 * renamed to {@code .<name>.old-<uuid>} and deleted after the swap; if the process dies between the
 * two renames, {@link #recover(Path)} (also run at the start of every write) renames the old folder
 * back. Hence after any crash the target is either the complete old folder or the complete new one,
 * and a folder without the marker is never {@link #isComplete complete}. One writer per target
 * (a run's owner); concurrent writers to the same target are not supported.
 */
public final class AtomicDirectory {
    /** Written last into every directory produced here; its presence means "complete". */
    public static final String COMPLETE_MARKER = ".sae-complete";

    private AtomicDirectory() {}

    /** Fills a fresh temp directory with {@code fillTempDir}, then atomically installs it as target. */
    public static void write(Path target, IoConsumer<Path> fillTempDir) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        Path tmp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            recover(abs);
            Files.createDirectory(tmp);
            try {
                fillTempDir.accept(tmp);
                Files.writeString(tmp.resolve(COMPLETE_MARKER), Instant.now() + "\n", StandardCharsets.UTF_8);
                fsyncTree(tmp);
            } catch (IOException | RuntimeException | Error e) {
                deleteTree(tmp);
                throw e;
            }
            Path backup = null;
            if (Files.exists(abs)) {
                backup = parent.resolve("." + name + ".old-" + UUID.randomUUID());
                AtomicFiles.moveAtomically(abs, backup);
            }
            try {
                AtomicFiles.moveAtomically(tmp, abs);
            } catch (IOException e) {
                if (backup != null) {
                    AtomicFiles.moveAtomically(backup, abs);
                }
                deleteTree(tmp);
                throw e;
            }
            AtomicFiles.fsyncDirectory(parent);
            if (backup != null) {
                deleteTree(backup);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing directory " + abs + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code dir} is a directory carrying the completion marker. */
    public static boolean isComplete(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(COMPLETE_MARKER));
    }

    /** True for the hidden temp/backup siblings this class creates (directory scanners skip them). */
    public static boolean isWorkingCopy(Path dir) {
        String n = dir.getFileName().toString();
        return n.startsWith(".") && (n.contains(".tmp-") || n.contains(".old-"));
    }

    /**
     * Repairs the state a crash may leave: if the target is missing but a complete backup exists, the
     * newest backup becomes the target again; leftover temp and backup siblings are deleted.
     */
    public static void recover(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String prefix = "." + abs.getFileName() + ".";
        if (!Files.isDirectory(parent)) {
            return;
        }
        try {
            List<Path> leftovers;
            try (Stream<Path> s = Files.list(parent)) {
                leftovers = s.filter(p -> p.getFileName().toString().startsWith(prefix) && isWorkingCopy(p))
                        .toList();
            }
            if (!Files.exists(abs)) {
                var newestBackup = leftovers.stream()
                        .filter(p -> p.getFileName().toString().startsWith(prefix + "old-") && isComplete(p))
                        .max(Comparator.comparing(AtomicDirectory::modified));
                if (newestBackup.isPresent()) {
                    AtomicFiles.moveAtomically(newestBackup.get(), abs);
                    AtomicFiles.fsyncDirectory(parent);
                }
            }
            for (Path p : leftovers) {
                if (Files.exists(p)) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("recovering directory " + abs + ": " + e.getMessage(), e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p.resolve(COMPLETE_MARKER));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** fsync every regular file, then every directory bottom-up (so new entries are durable). */
    private static void fsyncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                AtomicFiles.fsyncFile(p);
            }
        }
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                AtomicFiles.fsyncDirectory(p);
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

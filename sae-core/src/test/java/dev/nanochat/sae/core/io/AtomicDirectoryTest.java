package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
    @TempDir
    Path tmp;

    private static void writeVersion(Path target, String v) {
        AtomicDirectory.write(target, dir -> Files.writeString(dir.resolve("version"), v));
    }

    @Test
    void failingFillKeepsTheOldFolderAndLeavesNothingBehind() throws IOException {
        Path target = tmp.resolve("ckpt");
        writeVersion(target, "1");
        var e = assertThrows(
                IllegalStateException.class,
                () -> AtomicDirectory.write(target, dir -> {
                    Files.writeString(dir.resolve("version"), "2");
                    throw new IllegalStateException("disk full (simulated)");
                }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("1", Files.readString(target.resolve("version")));
        assertEquals(List.of("ckpt"), SaeLensFolderTest.list(tmp));
    }

    @Test
    void recoverRestoresTheBackupWhenACrashHitBetweenTheRenames() throws IOException {
        // State after "target renamed to backup" but before "temp renamed to target".
        Path target = tmp.resolve("ckpt");
        writeVersion(target, "1");
        Files.move(target, tmp.resolve(".ckpt.old-aaaa"));
        Path halfWritten = Files.createDirectories(tmp.resolve(".ckpt.tmp-bbbb"));
        Files.writeString(halfWritten.resolve("version"), "2"); // no completion marker
        assertFalse(AtomicDirectory.isComplete(halfWritten));
        AtomicDirectory.recover(target);
        assertEquals("1", Files.readString(target.resolve("version")));
        assertTrue(AtomicDirectory.isComplete(target));
        assertEquals(List.of("ckpt"), SaeLensFolderTest.list(tmp));
    }

    @Test
    void aFolderWithoutTheMarkerIsNotComplete() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("partial"));
        Files.writeString(dir.resolve("cfg.json"), "{}");
        assertFalse(AtomicDirectory.isComplete(dir));
        assertTrue(AtomicDirectory.isWorkingCopy(tmp.resolve(".x.tmp-1")));
        assertFalse(AtomicDirectory.isWorkingCopy(tmp.resolve("x")));
    }

    /**
     * Real crashes: a child JVM rewrites the folder in a loop and is killed with SIGKILL at varying
     * moments; after recovery the folder is always complete and internally consistent.
     */
    @Test
    void killMinusNineNeverLeavesAHalfWrittenFolder() throws Exception {
        Path target = tmp.resolve("ckpt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int lastVersion = 0;
        for (int round = 0; round < 5; round++) {
            Process p = new ProcessBuilder(
                            java,
                            "-Xmx128m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            AtomicDirectoryCrashWriter.class.getName(),
                            target.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(new File(tmp.toFile(), "child-" + round + ".log"))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(target.resolve("version")) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(10);
            }
            Thread.sleep(150 + 97L * round); // let it get into later rewrites, at a different phase each round
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            AtomicDirectory.recover(target);
            assertTrue(AtomicDirectory.isComplete(target), "round " + round);
            int version = Integer.parseInt(Files.readString(target.resolve("version")));
            byte[] data = Files.readAllBytes(target.resolve("data.bin"));
            assertEquals(AtomicDirectoryCrashWriter.DATA_BYTES, data.length, "round " + round);
            for (byte b : data) {
                if (b != (byte) (version % 251)) {
                    throw new AssertionError("round " + round + ": data of another version than " + version);
                }
            }
            assertTrue(version >= 1, "round " + round);
            lastVersion = version;
            try (var s = Files.list(tmp)) {
                assertEquals(
                        List.of(),
                        s.map(x -> x.getFileName().toString())
                                .filter(n -> n.startsWith(".ckpt."))
                                .toList());
            }
        }
        assertTrue(lastVersion >= 1);
    }
}

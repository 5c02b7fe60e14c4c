package dev.nanochat.sae.eval;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens an SAE checkpoint named by an event, refusing anything that is not what the event promised.
 *
 * <p>Design: paths arrive from Kafka, so they are untrusted: the real path (symlinks resolved) must lie
 * under one of the configured checkpoint roots, the SAELens files must exist, and the weights must hash
 * to the event's sha256 before any tensor is parsed. Every refusal is an {@link IllegalArgumentException}
 * whose message names the path, so a failed evaluation records a reason a person can act on.
 */
public final class SaeCheckpoint {
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String CFG = "cfg.json";

    private SaeCheckpoint() {}

    /**
     * @param dir            SAELens folder from the event
     * @param expectedSha256 hex sha256 of {@value #WEIGHTS}, or null/blank to skip the check
     * @param roots          allowed parent directories; empty allows any path
     */
    public static Sae open(Path dir, String expectedSha256, List<Path> roots) {
        Path real = confine(dir, roots);
        for (String f : List.of(CFG, WEIGHTS)) {
            if (!Files.isRegularFile(real.resolve(f))) {
                throw new IllegalArgumentException("checkpoint " + dir + " has no " + f);
            }
        }
        if (expectedSha256 != null && !expectedSha256.isBlank()) {
            String actual = Digests.sha256(real.resolve(WEIGHTS));
            if (!actual.equalsIgnoreCase(expectedSha256.trim())) {
                throw new IllegalArgumentException("checkpoint " + dir + ": sha256 of " + WEIGHTS + " is " + actual
                        + " but the event says " + expectedSha256);
            }
        }
        try {
            return Sae.load(real);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint " + dir + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * The real path of dir, if it exists and lies under one of roots (or roots is empty). Missing,
     * unresolvable and outside-the-roots are one message, so a caller cannot probe the file system.
     */
    public static Path confine(Path dir, List<Path> roots) {
        if (dir == null) {
            throw new IllegalArgumentException("checkpoint path missing");
        }
        if (!Files.isDirectory(dir)) {
            throw notUnderRoots(dir, roots);
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw notUnderRoots(dir, roots);
        }
        if (roots.isEmpty()) {
            return real;
        }
        for (Path root : roots) {
            try {
                if (Files.isDirectory(root) && real.startsWith(root.toRealPath())) {
                    return real;
                }
            } catch (IOException e) {
                // an unreadable root cannot contain the checkpoint; try the next one
            }
        }
        throw notUnderRoots(dir, roots);
    }

    private static IllegalArgumentException notUnderRoots(Path dir, List<Path> roots) {
        return new IllegalArgumentException("checkpoint " + dir + " is not a checkpoint directory under the configured"
                + " checkpoint roots " + (roots.isEmpty() ? "(any)" : roots));
    }
}

package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeCheckpointTest {
    @TempDir
    Path tmp;

    private Path roots() throws Exception {
        return Files.createDirectories(tmp.resolve("checkpoints"));
    }

    @Test
    void opens_a_checkpoint_whose_weights_match_the_hash() throws Exception {
        Path dir = TestSaes.identity(roots().resolve("run-1/step-10"), 4);
        String sha = Digests.sha256(dir.resolve(SaeCheckpoint.WEIGHTS));
        try (Sae sae = SaeCheckpoint.open(dir, sha, List.of(roots()))) {
            assertEquals(8, sae.config().dSae());
        }
    }

    @Test
    void refuses_a_hash_mismatch_naming_both_hashes() throws Exception {
        Path dir = TestSaes.identity(roots().resolve("run-1/step-20"), 4);
        var e = assertThrows(
                IllegalArgumentException.class, () -> SaeCheckpoint.open(dir, "ab".repeat(32), List.of(roots())));
        assertTrue(
                e.getMessage().contains("sha256 of sae_weights.safetensors is ")
                        && e.getMessage().endsWith("but the event says " + "ab".repeat(32)),
                e.getMessage());
    }

    @Test
    void refuses_paths_outside_the_roots_including_through_symlinks() throws Exception {
        Path outside = TestSaes.identity(tmp.resolve("elsewhere"), 4);
        Path link = Files.createSymbolicLink(roots().resolve("sneaky"), outside);
        for (Path p : List.of(outside, link, roots().resolve("../elsewhere"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> SaeCheckpoint.open(p, null, List.of(roots())));
            // the same words as for a missing directory: nothing tells "exists elsewhere" from "absent"
            assertEquals(
                    "checkpoint " + p + " is not a checkpoint directory under the configured checkpoint roots "
                            + List.of(roots()),
                    e.getMessage());
        }
    }

    @Test
    void missing_and_corrupt_checkpoints_are_named() throws Exception {
        Path missing = roots().resolve("nope");
        var e1 =
                assertThrows(IllegalArgumentException.class, () -> SaeCheckpoint.open(missing, null, List.of(roots())));
        assertEquals(
                "checkpoint " + missing + " is not a checkpoint directory under the configured checkpoint roots "
                        + List.of(roots()),
                e1.getMessage());

        Path corrupt = TestSaes.identity(roots().resolve("corrupt"), 4);
        Path weights = corrupt.resolve(SaeCheckpoint.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e2 =
                assertThrows(IllegalArgumentException.class, () -> SaeCheckpoint.open(corrupt, null, List.of(roots())));
        assertTrue(e2.getMessage().startsWith("checkpoint " + corrupt + " cannot be loaded: "), e2.getMessage());

        Files.delete(weights);
        var e3 =
                assertThrows(IllegalArgumentException.class, () -> SaeCheckpoint.open(corrupt, null, List.of(roots())));
        assertEquals("checkpoint " + corrupt + " has no sae_weights.safetensors", e3.getMessage());
    }
}

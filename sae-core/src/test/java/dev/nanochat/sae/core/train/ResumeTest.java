package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.Params;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stop at step N + resume for N more steps equals an uninterrupted 2N-step run (max abs diff < 1e-6). */
class ResumeTest {
    static final int D = 24, ROWS = 600, BATCH = 64, N = 12;

    private static SaeConfig config(String arch) {
        // Tiny dead window so AuxK (topk) and resampling (relu, every 5 steps) both happen within the run.
        return SaeConfig.builder(arch, D)
                .dSae(96)
                .k(4)
                .batchSize(BATCH)
                .learningRate(2e-3)
                .warmupSteps(3)
                .deadWindowTokens(3 * BATCH)
                .resampleInterval(5)
                .l1WarmupSteps(4)
                .l1Coefficient(0.5)
                .seed(5)
                .build();
    }

    private static float[] data() {
        return new SyntheticData(D, 40, 3, 0.05f, 9).batch(ROWS);
    }

    /**
     * A fresh trainer with every 4th latent switched off (encoder bias −1000) before the first step, so
     * every architecture has dead latents in this short run: AuxK (topk, batchtopk) and resampling (relu,
     * gated, which then revive them) act, and the dead-latent counters must resume exactly.
     */
    private static Trainer withDeadLatents(String arch) {
        Trainer t = new Trainer(config(arch), TrainingOptions.defaults(2L * N * BATCH));
        float[] bias = t.params.get(arch.equals("gated") ? "b_gate" : "b_enc");
        for (int i = 0; i < bias.length; i += 4) bias[i] = -1000f;
        return t;
    }

    /** Runs steps; returns the most latents that were dead before any step. */
    private static int run(Trainer t, ArrayActivationSource src, int steps) {
        float[] buf = new float[BATCH * D];
        int maxDead = 0;
        for (int s = 0; s < steps; s++) {
            maxDead = Math.max(maxDead, LatentActivity.count(t.activity.dead(t.tokensSeen())));
            t.step(buf, src.next(buf, BATCH));
        }
        return maxDead;
    }

    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk", "relu", "gated", "jumprelu"})
    void resumeContinuesExactly(String arch, @TempDir Path dir) {
        float[] x = data();
        Params full;
        long fullTokens;
        int deadDuringRun;
        long[] fullLastFired;
        try (Trainer t = withDeadLatents(arch)) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            deadDuringRun = Math.max(run(t, src, N), run(t, src, N));
            full = t.syncedParams();
            fullTokens = t.tokensSeen();
            fullLastFired = t.activity.lastFired.clone();
        }
        Path ckpt = dir.resolve("ckpt");
        try (Trainer t = withDeadLatents(arch)) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            run(t, src, N);
            t.checkpoint(ckpt, src.position());
        }
        try (Trainer t = Trainer.resume(ckpt)) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            src.seek(t.sourcePosition());
            assertEquals(N, t.stepsDone());
            run(t, src, N);
            assertEquals(fullTokens, t.tokensSeen());
            double maxDiff = 0;
            for (Params.Entry e : full.entries()) {
                float[] a = e.data(), b = t.syncedParams().get(e.name());
                for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxDiff < 1e-6, arch + ": max abs diff after resume " + maxDiff);
            // Dead-latent bookkeeping resumes exactly too, and it mattered: latents were dead during the run
            // (AuxK for topk/batchtopk, resampling for relu/gated, the counters for all).
            assertArrayEquals(
                    fullLastFired, t.activity.lastFired, arch + ": per-latent last-fired tokens after resume");
        }
        assertTrue(deadDuringRun > 0, "dead latents exercised for " + arch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"topk"})
    void sourcePositionIsStored(String arch, @TempDir Path dir) {
        try (Trainer t = new Trainer(config(arch), TrainingOptions.defaults(0))) {
            t.step(data(), BATCH);
            t.checkpoint(dir.resolve("c"), Map.of("partition-0", "1234", "topic", "sae.activations.x"));
        }
        try (Trainer t = Trainer.resume(dir.resolve("c"))) {
            assertEquals(Map.of("partition-0", "1234", "topic", "sae.activations.x"), t.sourcePosition());
            assertEquals(BATCH, t.tokensSeen());
        }
    }
}

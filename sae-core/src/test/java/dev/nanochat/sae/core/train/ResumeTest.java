package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.Params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        return SaeConfig.builder(arch, D).dSae(96).k(4).batchSize(BATCH).learningRate(2e-3).warmupSteps(3)
                .deadWindowTokens(3 * BATCH).resampleInterval(5).l1WarmupSteps(4).l1Coefficient(0.5).seed(5).build();
    }

    private static float[] data() {
        return new SyntheticData(D, 40, 3, 0.05f, 9).batch(ROWS);
    }

    private static void run(Trainer t, ArrayActivationSource src, int steps) {
        float[] buf = new float[BATCH * D];
        for (int s = 0; s < steps; s++) t.step(buf, src.next(buf, BATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk", "relu", "gated", "jumprelu"})
    void resumeContinuesExactly(String arch, @TempDir Path dir) {
        float[] x = data();
        Params full;
        long fullTokens;
        boolean sawDead;
        try (Trainer t = new Trainer(config(arch), TrainingOptions.defaults(2L * N * BATCH))) {
            run(t, new ArrayActivationSource(x, ROWS, D, 1, true, 0), 2 * N);
            full = t.syncedParams();
            fullTokens = t.tokensSeen();
            sawDead = LatentActivity.count(t.activity.dead(t.tokensSeen())) > 0 || arch.equals("jumprelu") || arch.equals("gated");
        }
        Path ckpt = dir.resolve("ckpt");
        try (Trainer t = new Trainer(config(arch), TrainingOptions.defaults(2L * N * BATCH))) {
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
        }
        assertTrue(sawDead || arch.equals("relu") || arch.equals("batchtopk"), "dead latents exercised for " + arch);
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

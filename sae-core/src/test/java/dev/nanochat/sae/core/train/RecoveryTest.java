package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each architecture, trained on synthetic data from 96 known sparse unit directions in 48 dimensions
 * (≈3 active per token), recovers them: the fraction of true directions matched by a decoder row with
 * cosine > 0.9 must reach 90% (topk, batchtopk, gated, jumprelu) or "most" (relu: 50%).
 * Sparsity coefficients are on the normalised scale (E‖x‖ = √d), where a true feature's activation is ≈3.
 */
class RecoveryTest {
    static final int D = 48, FEATURES = 96, BATCH = 256;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "topk,      1000, 3e-3, 0,   0.90",
        "batchtopk, 1000, 3e-3, 0,   0.90",
        "jumprelu,  1500, 3e-3, 3,   0.90",
        "gated,     2500, 2e-3, 5,   0.90",
        "relu,      1500, 2e-3, 2,   0.50"
    })
    void recoversTrueDirections(String arch, int steps, double lr, double sparsity, double minRecovered) {
        SyntheticData data = new SyntheticData(D, FEATURES, 3.0, 0.01f, 7);
        SaeConfig cfg = SaeConfig.builder(arch, D)
                .dSae(4 * FEATURES)
                .k(4)
                .batchSize(BATCH)
                .learningRate(lr)
                .warmupSteps(50)
                .lrDecay("linear")
                .deadWindowTokens(20_000)
                .resampleInterval(0)
                .l1WarmupSteps(100)
                .l1Coefficient(sparsity)
                .jumpReluInitThreshold(0.1)
                .jumpReluBandwidth(0.1)
                .seed(11)
                .build();
        try (Trainer trainer = new Trainer(cfg, TrainingOptions.defaults((long) steps * BATCH))) {
            StepMetrics last = null;
            for (int s = 0; s < steps; s++) last = trainer.step(data.batch(BATCH), BATCH);
            try (Sae sae = trainer.exportSae()) {
                double rec = data.recovered(sae, 0.9);
                System.out.printf(
                        "%s: recovered %.3f fvu %.4f l0 %.2f dead %.3f%n",
                        arch, rec, last.fvu(), last.l0(), last.deadFraction());
                assertTrue(
                        rec >= minRecovered,
                        arch + " recovered only " + rec + " (fvu " + last.fvu() + ", l0 " + last.l0() + ")");
                assertTrue(last.fvu() < 0.35, arch + " reconstructs poorly: fvu " + last.fvu());
            }
        }
    }
}

package dev.nanochat.sae.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each architecture, trained on synthetic data from known sparse unit directions, recovers them. */
class RecoveryTest {
    static final int D = 48;
    static final int FEATURES = 96;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"topk, 0.90", "batchtopk, 0.90", "gated, 0.90", "jumprelu, 0.90", "relu, 0.60"})
    void recoversTrueDirections(String arch, double minRecovered) {
        SyntheticData data = new SyntheticData(D, FEATURES, 3.0, 0.01f, 7);
        SaeConfig cfg = SaeConfig.builder(arch, D).dSae(4 * FEATURES).k(4).batchSize(256)
                .learningRate(3e-3).warmupSteps(50).lrDecay("linear").deadWindowTokens(20_000)
                .resampleInterval(500).l1WarmupSteps(100).seed(11).build();
        int steps = Integer.getInteger("recovery.steps", 1500);
        try (Trainer trainer = new Trainer(cfg, TrainingOptions.defaults((long) steps * 256))) {
            StepMetrics last = null;
            for (int s = 0; s < steps; s++) last = trainer.step(data.batch(256), 256);
            try (Sae sae = trainer.exportSae()) {
                double rec = data.recovered(sae, 0.9);
                System.out.printf("%s: recovered %.3f fvu %.4f l0 %.2f dead %.3f%n", arch, rec, last.fvu(), last.l0(), last.deadFraction());
                assertTrue(rec >= minRecovered, arch + " recovered only " + rec + " (fvu " + last.fvu() + ", l0 " + last.l0() + ")");
            }
        }
    }
}

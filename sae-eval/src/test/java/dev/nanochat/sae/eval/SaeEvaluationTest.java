package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeEvaluationTest {
    static final int D = 16, N = 48, ROWS = 200;

    @TempDir
    Path tmp;

    /** Fixed data: gaussian activations with a per-dimension offset; 8 latents made dead by a very negative bias. */
    private Path fixedSae(float[] wEnc, float[] bEnc, float[] wDec, float[] bDec) throws Exception {
        return TestSaes.relu(tmp.resolve("sae"), D, N, wEnc, bEnc, wDec, bDec);
    }

    @Test
    void reconstruction_metrics_equal_first_principles_values() throws Exception {
        float[] x = TestSaes.gaussian(ROWS * D, 1f, 11);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.5f * (i % D);
        }
        float[] wEnc = TestSaes.gaussian(D * N, 0.3f, 12);
        float[] bEnc = TestSaes.gaussian(N, 0.5f, 13);
        for (int j = 0; j < 8; j++) {
            bEnc[j] = -1000f;
        }
        bEnc[8] = -8f; // fires on a few percent of tokens: between the 1% and 10% density cut-offs
        float[] wDec = TestSaes.gaussian(N * D, 0.3f, 14);
        float[] bDec = TestSaes.gaussian(D, 0.2f, 15);
        NaiveMetrics want = NaiveMetrics.relu(x, ROWS, D, N, wEnc, bEnc, wDec, bDec);
        int[] tokens = new int[ROWS];
        long[] docs = new long[ROWS];
        int[] positions = new int[ROWS];
        try (Sae sae = Sae.load(fixedSae(wEnc, bEnc, wDec, bDec))) {
            Map<String, Object> got =
                    SaeEvaluation.evaluate(sae, new HeldOutSet(D, x, tokens, docs, positions), null, 0);
            assertClose(want.mse, got, "mse");
            assertClose(want.fvu, got, "fvu");
            assertClose(want.explainedVariance, got, "explained_variance");
            assertClose(want.l0, got, "l0");
            assertClose(want.l1, got, "l1");
            assertClose(want.deadFraction, got, "dead_fraction");
            assertClose(want.dense10, got, "dense_fraction_10pct");
            assertClose(want.dense1, got, "dense_fraction_1pct");
            assertClose(want.cosine, got, "cosine");
            assertClose(want.l2Ratio, got, "l2_ratio");
            assertEquals(ROWS, got.get("eval_tokens"));
            assertTrue(want.deadFraction >= 8.0 / N, "fixture has dead latents");
            @SuppressWarnings("unchecked")
            Map<String, java.util.List<Number>> hist =
                    (Map<String, java.util.List<Number>>) got.get("log10_density_histogram");
            assertEquals(
                    N, hist.get("counts").stream().mapToLong(Number::longValue).sum(), "every latent in one bin");
            assertEquals(hist.get("counts").size() + 1, hist.get("edges").size());
            assertTrue(
                    hist.get("counts").get(0).longValue() >= Math.round(want.deadFraction * N),
                    "dead latents in the first bin");
            assertFalse(got.containsKey("ce_loss_recovered"), "no model → no spliced metrics");
        }
    }

    @Test
    void with_a_model_the_spliced_metrics_are_added() throws Exception {
        int[][] ids = FixtureModel.referenceIds();
        int rows = 46;
        int[] tokens = new int[rows];
        long[] docs = new long[rows];
        int[] positions = new int[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = ids[r / 23][r % 23];
            docs[r] = r / 23;
            positions[r] = r % 23;
        }
        HeldOutSet set = new HeldOutSet(128, TestSaes.gaussian(rows * 128, 1f, 5), tokens, docs, positions);
        try (Gpt gpt = FixtureModel.load();
                Sae sae = Sae.load(TestSaes.identity(tmp.resolve("id"), 128))) {
            var spliced = new SplicedEvaluation(gpt, HookPoint.parse("blocks.1.hook_resid_post"));
            Map<String, Object> got = SaeEvaluation.evaluate(sae, set, spliced, 10_000);
            assertEquals(1.0, ((Number) got.get("ce_loss_recovered")).doubleValue(), 1e-4);
            assertEquals(44L, ((Number) got.get("ce_tokens")).longValue());
            assertEquals(0.0, ((Number) got.get("fvu")).doubleValue(), 1e-10); // identity SAE
            Map<String, Object> capped = SaeEvaluation.evaluate(sae, set, spliced, 22);
            assertEquals(22L, ((Number) capped.get("ce_tokens")).longValue());
        }
    }

    @Test
    void width_mismatch_names_both_widths() throws Exception {
        try (Sae sae = Sae.load(TestSaes.identity(tmp.resolve("w"), 8))) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> SaeEvaluation.evaluate(
                            sae, new HeldOutSet(4, new float[8], new int[2], new long[2], new int[2]), null, 0));
            assertEquals("SAE d_in 8 does not match held-out activations d_in 4", e.getMessage());
        }
    }

    private static void assertClose(double want, Map<String, Object> got, String name) {
        Object v = got.get(name);
        assertTrue(v instanceof Number, name + " missing or not a number: " + v + " in " + got.keySet());
        double g = ((Number) v).doubleValue();
        assertEquals(want, g, 1e-5 * Math.max(1, Math.abs(want)), name);
    }
}

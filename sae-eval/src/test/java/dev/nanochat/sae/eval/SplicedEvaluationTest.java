package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplicedEvaluationTest {
    static Gpt gpt;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void load() {
        gpt = FixtureModel.load();
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    private static List<int[]> referenceSequences() {
        return Arrays.asList(FixtureModel.referenceIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "blocks.1.hook_mlp_out"})
    void an_exact_reconstruction_recovers_all_of_the_loss(String hookName) throws Exception {
        try (Sae sae = Sae.load(TestSaes.identity(tmp.resolve("identity-" + hookName), 128))) {
            SplicedMetrics m =
                    new SplicedEvaluation(gpt, HookPoint.parse(hookName)).evaluate(sae, referenceSequences());
            assertEquals(44, m.tokens()); // 2 sequences × 22 predicted tokens
            // the clean loss is the Python reference's (independent check of the CE reduction)
            assertEquals(FixtureModel.REFERENCE_CE, m.ceLossClean(), 2e-4);
            assertEquals(m.ceLossClean(), m.ceLossSpliced(), 1e-5);
            assertTrue(m.ceLossZeroAblated() > m.ceLossClean() + 0.1, "zero-ablation must hurt: " + m);
            assertEquals(1.0, m.ceLossRecovered(), 1e-4);
            assertTrue(m.klSpliced() < 1e-6, "KL " + m.klSpliced());
            assertTrue(m.klZeroAblated() > 0.01, "KL zero " + m.klZeroAblated());
        }
    }

    @Test
    void a_reconstruction_of_zeros_recovers_nothing() throws Exception {
        try (Sae sae = Sae.load(TestSaes.zero(tmp.resolve("zero"), 128, 3))) {
            SplicedMetrics m = new SplicedEvaluation(gpt, HookPoint.parse("blocks.1.hook_resid_post"))
                    .evaluate(sae, referenceSequences());
            assertEquals(0.0, m.ceLossRecovered(), 1e-9);
            assertEquals(m.ceLossZeroAblated(), m.ceLossSpliced(), 1e-9);
            assertEquals(m.klZeroAblated(), m.klSpliced(), 1e-9);
        }
    }

    @Test
    void right_padding_does_not_change_the_loss() throws Exception {
        int[][] ids = FixtureModel.referenceIds();
        int[] shortSeq = Arrays.copyOf(ids[1], 9); // batched with a 23-token sequence → 14 padded positions
        SplicedEvaluation eval = new SplicedEvaluation(gpt, HookPoint.parse("blocks.0.hook_resid_post"));
        try (Sae sae = Sae.load(TestSaes.relu(
                tmp.resolve("random"),
                128,
                256,
                TestSaes.gaussian(128 * 256, 0.05f, 1),
                new float[256],
                TestSaes.gaussian(256 * 128, 0.05f, 2),
                new float[128]))) {
            SplicedMetrics both = eval.evaluate(sae, List.of(ids[0], shortSeq));
            SplicedMetrics a = eval.evaluate(sae, List.<int[]>of(ids[0]));
            SplicedMetrics b = eval.evaluate(sae, List.<int[]>of(shortSeq));
            assertEquals(22 + 8, both.tokens());
            assertEquals((a.ceLossSpliced() * 22 + b.ceLossSpliced() * 8) / 30, both.ceLossSpliced(), 1e-5);
            assertEquals((a.ceLossClean() * 22 + b.ceLossClean() * 8) / 30, both.ceLossClean(), 1e-5);
            assertEquals((a.klSpliced() * 22 + b.klSpliced() * 8) / 30, both.klSpliced(), 1e-6);
            assertFalse(Double.isNaN(both.ceLossRecovered()));
        }
    }

    @Test
    void width_mismatch_is_a_clear_error() throws Exception {
        try (Sae sae = Sae.load(TestSaes.identity(tmp.resolve("narrow"), 16))) {
            var e = assertThrows(IllegalArgumentException.class, () -> new SplicedEvaluation(
                            gpt, HookPoint.parse("blocks.1.hook_resid_post"))
                    .evaluate(sae, referenceSequences()));
            assertEquals("SAE d_in 16 does not match hook blocks.1.hook_resid_post width 128", e.getMessage());
        }
    }
}

package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inference-path optimisations checked against independent computations on the d2 fixture:
 * causal attention in query chunks (T ≥ 2·128) against one-token-at-a-time decoding (T = 1, no mask,
 * no chunks) through a KV cache that has to grow past its initial capacity; in-place inference ops
 * against the out-of-place (grad mode) pass; batched generation against single-prompt generation;
 * a capture-only pass that stops mid-block against the full pass.
 */
class InferencePathTest {
    private static final int T = 300; // 3 attention chunks; > the cache's initial 256 positions
    private static Gpt gpt;

    @BeforeAll
    static void load() {
        gpt = Gpt.load(ModelCheckpoints.resolve(Fixture.baseDir(), "base", null, null), Device.cpu());
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    private static int[] tokens(int n, long seed) {
        Random rng = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.nextInt(gpt.config().vocabSize());
        return ids;
    }

    @Test
    void chunkedAttentionEqualsTokenByTokenDecodingThroughAGrowingCache() {
        int[] ids = tokens(T, 1);
        HookPoint post = new HookPoint(gpt.config().nLayer() - 1, HookPoint.Kind.RESID_POST);
        ForwardOptions opts = new ForwardOptions(Set.of(post), Map.of(), true);
        ForwardResult full = gpt.forward(new int[][] {ids}, opts);
        int v = gpt.config().vocabSize(), c = gpt.config().nEmbd();
        float worstLogit = 0, worstAct = 0;
        try (KvCache cache = new KvCache(gpt.manager(), gpt.config().nLayer())) {
            for (int p = 0; p < T; p++) {
                ForwardResult step = gpt.forward(new int[][] {{ids[p]}}, opts, cache);
                worstLogit = Math.max(
                        worstLogit,
                        Fixture.maxAbsDiff(Arrays.copyOfRange(full.logits(), p * v, (p + 1) * v), step.logits()));
                worstAct = Math.max(
                        worstAct,
                        Fixture.maxAbsDiff(
                                Arrays.copyOfRange(full.activations(post), p * c, (p + 1) * c),
                                step.activations(post)));
            }
            assertEquals(T, cache.length());
        }
        assertTrue(worstLogit < 1e-4f, "logits max abs diff " + worstLogit);
        assertTrue(worstAct < 1e-4f, "resid_post max abs diff " + worstAct);
    }

    @Test
    void inPlaceInferenceEqualsTheOutOfPlaceGradModePass() {
        int[][] ids = {tokens(T, 2), tokens(T, 3)};
        float[] inference = gpt.forward(ids, ForwardOptions.logitsOnly()).logits();
        float[] recorded;
        try (ai.djl.ndarray.NDManager m = gpt.manager().newSubManager();
                ai.djl.training.GradientCollector gc =
                        ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            ai.djl.ndarray.NDArray idx = m.create(new int[][] {ids[0], ids[1]});
            recorded = gpt.logits(idx).toFloatArray();
        }
        assertEquals(inference.length, recorded.length);
        float diff = Fixture.maxAbsDiff(inference, recorded);
        assertTrue(diff < 1e-4f, "max abs diff " + diff);
    }

    @Test
    void batchedGenerationMatchesEachPromptAlone() {
        int[][] prompts = {tokens(7, 4), tokens(7, 5), tokens(7, 6)};
        SamplingOptions greedy = new SamplingOptions(10, 0f, 0, 0, Set.of());
        Generator g = new Generator(gpt);
        Generator.Generation[] batch = g.generate(prompts, greedy, Map.of(), null);
        for (int r = 0; r < prompts.length; r++) {
            Generator.Generation alone = g.generate(prompts[r], greedy, Map.of(), null);
            assertArrayEquals(alone.tokens(), batch[r].tokens(), "row " + r);
            for (int s = 0; s < alone.stepLogits().size(); s++) {
                float diff = Fixture.maxAbsDiff(
                        alone.stepLogits().get(s), batch[r].stepLogits().get(s));
                assertTrue(diff < 1e-4f, "row " + r + " step " + s + " max abs diff " + diff);
            }
        }
    }

    @Test
    void captureOnlyPassStoppingMidBlockEqualsTheFullPass() {
        int[][] ids = {tokens(40, 7), tokens(40, 8)};
        int last = gpt.config().nLayer() - 1;
        HookPoint pre = new HookPoint(last, HookPoint.Kind.RESID_PRE),
                attn = new HookPoint(last, HookPoint.Kind.ATTN_OUT);
        ForwardResult full = gpt.forward(ids, new ForwardOptions(Set.of(pre, attn), Map.of(), true));
        for (HookPoint h : new HookPoint[] {pre, attn}) {
            float[] alone =
                    gpt.forward(ids, ForwardOptions.captureOnly(Set.of(h))).activations(h);
            assertEquals(full.activations(h).length, alone.length);
            assertTrue(Fixture.maxAbsDiff(full.activations(h), alone) == 0f, h + " differs when the pass stops there");
        }
    }
}

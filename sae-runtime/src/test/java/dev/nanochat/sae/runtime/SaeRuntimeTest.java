package dev.nanochat.sae.runtime;

import static dev.nanochat.sae.runtime.RuntimeFixture.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.SamplingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime on the real nanochat-d2 checkpoint with three SAEs at different hooks: tracking equals
 * the SAE's own encoding of the clean activations, steering edits the original activation (error kept),
 * and steering is live at every generated position through the KV cache.
 */
class SaeRuntimeTest {
    static final String TEXT = "Call me Ishmael. Some years ago, never mind how long precisely, having little money";
    static Path tmp;
    static SaeRuntime rt;
    static HookPoint h0, h1, h2;

    @BeforeAll
    static void load() throws Exception {
        tmp = Files.createTempDirectory("sae-runtime-test");
        ModelCheckpoint ref = ModelCheckpoints.resolve(RuntimeFixture.baseDir(), "base", null, null);
        rt = SaeRuntime.load(
                ref,
                List.of(
                        RuntimeFixture.sae(tmp.resolve("res0"), "blocks.0.hook_resid_post", "standard", 512, 0, 1),
                        RuntimeFixture.sae(tmp.resolve("mlp1"), "blocks.1.hook_mlp_out", "topk", 256, 8, 2),
                        RuntimeFixture.sae(tmp.resolve("res1"), "blocks.1.hook_resid_post", "standard", 512, 0, 3)),
                Device.cpu());
        h0 = rt.sae(0).hook();
        h1 = rt.sae(1).hook();
        h2 = rt.sae(2).hook();
    }

    @AfterAll
    static void close() {
        rt.close();
    }

    static ForwardResult clean(int[] ids, boolean logits) {
        return rt.gpt().forward(new int[][] {ids}, new ForwardOptions(Set.of(h0, h1, h2), Map.of(), logits));
    }

    @Test
    void trackedFeaturesEqualTheSaesEncodingOfCleanActivations() {
        int[] ids = rt.encodeWithBos(TEXT);
        ForwardResult clean = clean(ids, false);
        int[] chosen = {0, 5, 17, 300};
        RuntimeRun run =
                rt.forward(ids, new TrackSpec(16, Set.of(0, 1, 2), Map.of(0, chosen)), List.of(), Set.of(), false);
        RuntimeRun chosenOnly = rt.forward(ids, TrackSpec.features(0, chosen), List.of(), Set.of(), false);
        int totalActive = 0;
        for (int s = 0; s < 3; s++) {
            AttachedSae sae = rt.sae(s);
            int n = sae.dSae();
            float[] z = sae.sae().encode(clean.activations(sae.hook()), ids.length);
            FeatureTrace trace = run.trace(s);
            assertEquals(ids.length, trace.size());
            for (int t = 0; t < ids.length; t++) {
                int[] want = TopNTest.oracle(z, t * n, n, 16);
                FeatureTrace.Position p = trace.position(t);
                assertArrayEquals(want, p.indices(), "SAE " + s + " token " + t);
                for (int k = 0; k < want.length; k++) assertEquals(z[t * n + want[k]], p.values()[k], 1e-5);
                totalActive += want.length;
                if (s == 0) {
                    for (int k = 0; k < chosen.length; k++) {
                        assertEquals(z[t * n + chosen[k]], p.chosen()[k], 1e-5);
                        assertEquals(
                                z[t * n + chosen[k]],
                                chosenOnly.trace(0).position(t).chosen()[k],
                                1e-5);
                    }
                }
            }
        }
        assertTrue(totalActive > 3 * ids.length, "features fire: " + totalActive);
        // The constant latent 0 of the standard SAE reads CONSTANT at every token.
        for (float v : chosenOnly.trace(0).chosenSeries(0)) assertEquals(RuntimeFixture.CONSTANT, v, 1e-6);
    }

    /**
     * Tracking during a KV-cache generation runs on the run's worker thread while the forward frees
     * each step's arrays: every position (prompt, then one per decoded token, in order) must still
     * equal the SAE's encoding of a clean forward over the whole sequence. Four runs at once also
     * check that concurrent runs keep their traces apart.
     */
    @Test
    void trackingDuringGenerationEqualsTheEncodingOfTheCleanSequence() throws Exception {
        int[] prompt = rt.encodeWithBos("It was the best of times,");
        // Prompt + 90 tokens: more than one of the worker's chunks, so a full chunk and the drained rest.
        SamplingOptions opts = new SamplingOptions(90, 0f, 0, 1, Set.of());
        assertTrue(prompt.length + 89 > TraceWorker.CHUNK_ROWS);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<RuntimeRun>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++)
                runs.add(pool.submit(
                        () -> rt.generate(prompt, opts, TrackSpec.topN(8, Set.of(0, 1, 2)), List.of(), null)));
            int[] first = null;
            for (java.util.concurrent.Future<RuntimeRun> f : runs) {
                RuntimeRun run = f.get();
                int[] gen = run.generation().tokens();
                if (first == null) first = gen;
                assertArrayEquals(first, gen, "greedy runs agree");
                int[] all = new int[prompt.length + gen.length - 1]; // the last token is sampled, never fed
                System.arraycopy(prompt, 0, all, 0, prompt.length);
                System.arraycopy(gen, 0, all, prompt.length, gen.length - 1);
                ForwardResult clean = clean(all, false);
                for (int s = 0; s < 3; s++) {
                    AttachedSae sae = rt.sae(s);
                    int n = sae.dSae();
                    float[] z = sae.sae().encode(clean.activations(sae.hook()), all.length);
                    FeatureTrace trace = run.trace(s);
                    assertEquals(all.length, trace.size(), "one position per token fed");
                    for (int t = 0; t < all.length; t++) {
                        FeatureTrace.Position p = trace.position(t);
                        int[] want = TopNTest.oracle(z, t * n, n, 8);
                        assertEquals(want.length, p.indices().length, "SAE " + s + " position " + t);
                        for (int k = 0; k < want.length; k++)
                            assertEquals(z[t * n + p.indices()[k]], p.values()[k], 2e-4, "SAE " + s + " position " + t);
                        assertEquals(
                                z[t * n + want[0]], p.values()[0], 2e-4, "the largest, SAE " + s + " position " + t);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nothingToChangeGivesTheUnsteeredTokensAndActivations() {
        int[] prompt = rt.encodeWithBos("Call me Ishmael.");
        SamplingOptions opts = new SamplingOptions(24, 0.9f, 40, 7, Set.of());
        int[] plain =
                new Generator(rt.gpt()).generate(prompt, opts, Map.of(), null).tokens();
        List<FeatureEdit> noop = List.of(
                FeatureEdit.add(2, 3, 0f), FeatureEdit.clamp(0, 0, RuntimeFixture.CONSTANT), FeatureEdit.add(1, 9, 0f));
        RuntimeRun steered = rt.generate(prompt, opts, TrackSpec.topN(8, Set.of(0, 1, 2)), noop, null);
        assertEquals(24, plain.length);
        assertArrayEquals(plain, steered.generation().tokens());

        int[] ids = rt.encodeWithBos(TEXT);
        ForwardResult clean = clean(ids, true);
        ForwardResult s = rt.forward(ids, TrackSpec.none(), noop, Set.of(h0, h1, h2), true)
                .forward();
        for (HookPoint h : List.of(h0, h1, h2))
            assertTrue(maxAbsDiff(clean.activations(h), s.activations(h)) <= 1e-5, h.name());
        assertTrue(maxAbsDiff(clean.logits(), s.logits()) <= 1e-4);

        // Clamping the constant latent to CONSTANT + 1 is the additive edit of strength 1: the clamp
        // reads f_i from the activation rather than assuming 0 (nor replacing x by x̂).
        float[] clamped = rt.forward(
                        ids,
                        TrackSpec.none(),
                        List.of(FeatureEdit.clamp(0, 0, RuntimeFixture.CONSTANT + 1)),
                        Set.of(h0),
                        false)
                .forward()
                .activations(h0);
        float[] added = rt.forward(ids, TrackSpec.none(), List.of(FeatureEdit.add(0, 0, 1f)), Set.of(h0), false)
                .forward()
                .activations(h0);
        assertTrue(maxAbsDiff(clamped, added) <= 1e-5);
        assertTrue(maxAbsDiff(clamped, clean.activations(h0)) > 0.05);
    }

    @Test
    void ablatingChangesTheHookActivationByExactlyMinusFTimesDecoderRow() {
        int[] ids = rt.encodeWithBos(TEXT);
        ForwardResult clean = clean(ids, false);
        for (int s : new int[] {0, 1}) {
            AttachedSae sae = rt.sae(s);
            int n = sae.dSae(), d = 128;
            float[] z = sae.sae().encode(clean.activations(sae.hook()), ids.length);
            // The feature with the largest activation anywhere in the text (latent 0 excluded: constant).
            int best = 1;
            for (int i = 0; i < z.length; i++) if (i % n != 0 && z[i] > z[best]) best = i;
            int f = best % n;
            float[] x = clean.activations(sae.hook());
            float[] steered = rt.forward(
                            ids, TrackSpec.none(), List.of(FeatureEdit.ablate(s, f)), Set.of(sae.hook()), false)
                    .forward()
                    .activations(sae.hook());
            float[] row = sae.sae().decoderRow(f);
            float[] expected = new float[x.length];
            int live = 0;
            for (int t = 0; t < ids.length; t++) {
                if (z[t * n + f] > 0) live++;
                for (int c = 0; c < d; c++) expected[t * d + c] = x[t * d + c] - z[t * n + f] * row[c];
            }
            assertTrue(live > 0 && z[best] > 0.1f, "feature " + f + " is live");
            assertTrue(maxAbsDiff(expected, steered) <= 1e-5, "SAE " + s + " feature " + f);
            assertTrue(maxAbsDiff(x, steered) >= z[best] * 0.05f, "the ablation changed something");
        }
    }

    @Test
    void strongAdditiveSteerRaisesLogitLensTokensAndKlGrowsWithStrength() {
        int[] ids = rt.encodeWithBos(TEXT);
        int f = 3, v = rt.gpt().config().vocabSize(), d = 128;
        float[] lm = rt.gpt().weights().lmHead().toFloatArray(); // [V, C]
        float[] row = rt.sae(2).sae().decoderRow(f);
        Integer[] order = new Integer[v];
        double[] lens = new double[v];
        for (int j = 0; j < v; j++) {
            order[j] = j;
            for (int c = 0; c < d; c++) lens[j] += row[c] * lm[j * d + c];
        }
        Arrays.sort(order, (a, b) -> Double.compare(lens[b], lens[a]));
        int[] top = {order[0], order[1], order[2], order[3], order[4]};
        float[] base = rt.forward(ids, TrackSpec.none(), List.of(), Set.of(), true)
                .forward()
                .logits();
        double prevKl = 0, prevLens = meanAt(base, top, ids.length, v);
        for (float s : new float[] {1, 3, 10, 30}) {
            float[] steered = rt.forward(ids, TrackSpec.none(), List.of(FeatureEdit.add(2, f, s)), Set.of(), true)
                    .forward()
                    .logits();
            double kl = meanKl(base, steered, ids.length, v), lensLogit = meanAt(steered, top, ids.length, v);
            assertTrue(kl > prevKl, "KL at strength " + s + " = " + kl + " <= " + prevKl);
            assertTrue(
                    lensLogit > prevLens,
                    "top logit-lens logits at strength " + s + ": " + lensLogit + " <= " + prevLens);
            prevKl = kl;
            prevLens = lensLogit;
        }
        assertTrue(
                prevKl > 0.25, "a strong steer moves the distribution (KL 0.47 measured at strength 30): KL " + prevKl);
    }

    @Test
    void steeringIsLiveAtEveryGeneratedPositionThroughTheKvCache() {
        int[] prompt = rt.encodeWithBos("Call me Ishmael.");
        List<FeatureEdit> edits =
                List.of(FeatureEdit.add(2, 3, 6f), FeatureEdit.ablate(1, 4), FeatureEdit.clamp(0, 7, 2f));
        RuntimeRun g = rt.generate(
                prompt, new SamplingOptions(12, 0f, 0, 1, Set.of()), TrackSpec.topN(4, Set.of(0)), edits, null);
        int[] gen = g.generation().tokens();
        int[] plain = new Generator(rt.gpt())
                .generate(prompt, new SamplingOptions(12, 0f, 0, 1, Set.of()), Map.of(), null)
                .tokens();
        assertTrue(!Arrays.equals(gen, plain), "the steer changes the greedy continuation");
        // The same edits in one full forward over prompt + generated tokens give each step's logits.
        int[] all = Arrays.copyOf(prompt, prompt.length + gen.length - 1);
        System.arraycopy(gen, 0, all, prompt.length, gen.length - 1);
        RuntimeRun full = rt.forward(all, TrackSpec.topN(4, Set.of(0)), edits, Set.of(), true);
        float[] logits = full.forward().logits();
        int v = rt.gpt().config().vocabSize();
        for (int step = 0; step < gen.length; step++) {
            float[] want = Arrays.copyOfRange(logits, (prompt.length - 1 + step) * v, (prompt.length + step) * v);
            assertTrue(maxAbsDiff(want, g.generation().stepLogits().get(step)) <= 1e-3, "step " + step);
        }
        // One trace row per position fed: the prompt, then each decoded token but the last.
        assertEquals(all.length, g.trace(0).size());
        for (int t = 0; t < all.length; t++) {
            assertArrayEquals(
                    full.trace(0).position(t).indices(), g.trace(0).position(t).indices(), "position " + t);
        }
    }

    @Test
    void badRequestsFailWithMessagesNamingTheValue() {
        int[] ids = rt.encodeWithBos("x");
        var e1 = assertThrows(
                IllegalArgumentException.class,
                () -> rt.forward(ids, TrackSpec.none(), List.of(FeatureEdit.add(0, 512, 1)), Set.of(), true));
        assertTrue(e1.getMessage().contains("512"), e1.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> rt.forward(ids, TrackSpec.topN(3, Set.of(5)), List.of(), Set.of(), true));
        assertTrue(e2.getMessage().contains("5"), e2.getMessage());
        var e3 = assertThrows(
                IllegalArgumentException.class,
                () -> rt.forward(
                        ids,
                        TrackSpec.none(),
                        List.of(FeatureEdit.add(0, 1, 1), FeatureEdit.ablate(0, 1)),
                        Set.of(),
                        true));
        assertTrue(e3.getMessage().contains("twice"), e3.getMessage());
    }

    @Test
    void searchAllRanksEveryFeatureOfTheChosenSaesByItsMaximumOverTheText() {
        int[] ids = rt.encodeWithBos(TEXT);
        ForwardResult clean = clean(ids, false);
        List<FeatureSearch.Hit> hits = new FeatureSearch(rt).searchAll(ids, List.of(0, 1), 20, true, new int[0]);
        // Oracle: every (sae, feature) scored by max over tokens 1.. of the SAE's own encoding.
        List<float[]> all = new java.util.ArrayList<>();
        for (int s : new int[] {0, 1}) {
            int n = rt.sae(s).dSae();
            float[] z = rt.sae(s).sae().encode(clean.activations(rt.sae(s).hook()), ids.length);
            for (int f = 0; f < n; f++) {
                float m = 0;
                for (int t = 1; t < ids.length; t++) m = Math.max(m, z[t * n + f]);
                if (m > 0) all.add(new float[] {m, s, f, z[f]});
            }
        }
        all.sort((a, b) -> Float.compare(b[0], a[0]));
        assertEquals(20, hits.size());
        for (int k = 0; k < 20; k++) {
            FeatureSearch.Hit h = hits.get(k);
            assertEquals(all.get(k)[0], h.maxValue(), 1e-5, "rank " + k);
            assertEquals((int) all.get(k)[1], h.sae(), "rank " + k);
            assertEquals((int) all.get(k)[2], h.feature(), "rank " + k);
            assertEquals(0f, h.values()[0], "BOS is ignored");
            assertEquals(h.maxValue(), h.values()[h.maxValueIndex()]);
        }
        FeatureSearch.Hit one = new FeatureSearch(rt)
                .activation(ids, hits.get(0).sae(), hits.get(0).feature());
        assertEquals(hits.get(0).maxValue(), one.maxValue(), 1e-5);
        assertEquals(hits.get(0).maxValueIndex(), one.maxValueIndex());
    }

    @Test
    void steerComparisonGivesTheUnsteeredDefaultAndTheSteeredRunFromOneSeed() {
        int[] prompt = rt.encodeWithBos("Call me Ishmael.");
        SamplingOptions opts = new SamplingOptions(16, 0.8f, 0, 11, Set.of());
        List<FeatureEdit> edits = List.of(FeatureEdit.add(2, 3, 8f));
        List<Integer> streamed = new java.util.ArrayList<>();
        SteerComparison.Result r =
                new SteerComparison(rt).run(prompt, opts, edits, 3, (steered, t) -> streamed.add(steered ? -1 - t : t));
        assertArrayEquals(
                new Generator(rt.gpt()).generate(prompt, opts, Map.of(), null).tokens(),
                r.defaults().tokens());
        assertArrayEquals(
                rt.generate(prompt, opts, TrackSpec.none(), edits, null)
                        .generation()
                        .tokens(),
                r.steered().tokens());
        assertTrue(!Arrays.equals(r.defaults().tokens(), r.steered().tokens()));
        assertEquals(32, streamed.size());
        for (SteerComparison.TokenLogProb lp : r.steered().logprobs()) {
            assertTrue(lp.logprob() <= 0 && lp.topLogprobs().length == 3);
            assertTrue(lp.topLogprobs()[0] >= lp.topLogprobs()[1] && lp.topLogprobs()[1] >= lp.topLogprobs()[2]);
            assertTrue(lp.logprob() <= lp.topLogprobs()[0] + 1e-6);
        }
    }

    static double meanAt(float[] logits, int[] tokens, int t, int v) {
        double sum = 0;
        for (int p = 0; p < t; p++) for (int j : tokens) sum += logits[p * v + j];
        return sum / (t * tokens.length);
    }

    /** Mean over positions of KL(p_base ‖ p_steered). */
    static double meanKl(float[] base, float[] steered, int t, int v) {
        double sum = 0;
        for (int p = 0; p < t; p++) {
            double[] lp = logSoftmax(base, p * v, v), lq = logSoftmax(steered, p * v, v);
            for (int j = 0; j < v; j++) sum += Math.exp(lp[j]) * (lp[j] - lq[j]);
        }
        return sum / t;
    }

    static double[] logSoftmax(float[] l, int off, int v) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (int j = 0; j < v; j++) max = Math.max(max, l[off + j]);
        for (int j = 0; j < v; j++) z += Math.exp(l[off + j] - max);
        double[] out = new double[v];
        for (int j = 0; j < v; j++) out[j] = l[off + j] - max - Math.log(z);
        return out;
    }
}

package dev.nanochat.sae.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming analysis against {@link NaiveFeatureOracle} on a small random SAE and record stream. */
class FeatureAnalysisTest {
    static final int D = 16, N = 48, VOCAB = 300;
    static final AnalysisSettings SETTINGS = new AnalysisSettings(7, 4, 3, 8, 10, 20, 10, 12, 0.1, 42L, 2, 13);

    @TempDir
    static Path tmp;

    static Sae sae;
    static float[] wDec, wu;
    static List<ActivationBatch> batches = new ArrayList<>();
    static List<FeatureResult> results = new ArrayList<>();
    static SaeSummary summary;
    static NaiveFeatureOracle oracle;

    @BeforeAll
    static void analyse() throws Exception {
        Random rnd = new Random(7);
        float[] wEnc = gaussian(rnd, D * N, 0.5f);
        float[] bEnc = gaussian(rnd, N, 0.3f);
        bEnc[3] = -1000f; // dead
        bEnc[5] = -1000f; // dead
        bEnc[9] = 50f; // fires everywhere (dense)
        wDec = gaussian(rnd, N * D, 0.3f);
        Path dir = Files.createDirectories(tmp.resolve("sae"));
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("d_in", D)
                .put("d_sae", N)
                .put("dtype", "float32")
                .put("device", "cpu")
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none")
                .put("architecture", "standard");
        cfg.putObject("metadata").put("model_name", "d2-000600").put("hook_name", "blocks.1.hook_resid_post");
        Files.writeString(dir.resolve("cfg.json"), cfg.toPrettyString());
        new Safetensors.Writer()
                .f32("W_enc", new long[] {D, N}, wEnc)
                .f32("b_enc", new long[] {N}, bEnc)
                .f32("W_dec", new long[] {N, D}, wDec)
                .f32("b_dec", new long[] {D}, gaussian(rnd, D, 0.1f))
                .write(dir.resolve("sae_weights.safetensors"));
        sae = Sae.load(dir);
        wu = gaussian(rnd, VOCAB * D, 1f);
        String[] table = new String[VOCAB];
        for (int i = 0; i < VOCAB; i++) table[i] = "t" + i;
        // Three records; windows of varying lengths, one crossing nothing (windows never span records).
        long doc = 0;
        for (int s = 0; s < 3; s++) {
            int rows = 150 + 40 * s;
            float[] x = gaussian(rnd, rows * D, 1f);
            int[] tok = new int[rows];
            long[] docs = new long[rows];
            int[] pos = new int[rows];
            int p = 0;
            for (int r = 0; r < rows; r++) {
                if (r > 0 && rnd.nextInt(30) == 0) {
                    doc++;
                    p = 0;
                }
                tok[r] = rnd.nextInt(VOCAB);
                docs[r] = doc;
                pos[r] = p++;
            }
            batches.add(new ActivationBatch(
                    "c1", "d2-000600", "blocks.1.hook_resid_post", D, DType.F32, s, Split.EVAL, 1, x, tok, docs, pos));
        }
        SaeSource source = new SaeSource(
                "d2-000600", "1-res-relu-48", "blocks.1.hook_resid_post", "run1", "ckpt1", "standard", D, N);
        try (FeatureAnalysis a =
                new FeatureAnalysis(sae, source, new Unembedding(wu, VOCAB, D), new TokenText(table), SETTINGS, tmp)) {
            for (ActivationBatch b : batches) a.accept(b);
            a.finish("c1/eval", Map.of("fvu", 0.25), new FeatureSink() {
                public void feature(FeatureResult r) {
                    results.add(r);
                }

                public void summary(SaeSummary s) {
                    summary = s;
                }
            });
        }
        oracle = new NaiveFeatureOracle(N);
        for (ActivationBatch b : batches) oracle.accept(sae, b);
    }

    static float[] gaussian(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    @Test
    void everyLatentOnceInOrder() {
        assertEquals(N, results.size());
        for (int f = 0; f < N; f++) assertEquals(f, results.get(f).index());
    }

    @Test
    void densitiesAndMaxMatchTheOracle() {
        for (int f = 0; f < N; f++) {
            var fired = oracle.fired(f);
            FeatureResult r = results.get(f);
            assertEquals(fired.size(), r.nonzeroCount(), "count of " + f);
            assertEquals(oracle.tokens, r.tokenCount());
            assertEquals((double) fired.size() / oracle.tokens, r.fracNonzero(), 1e-15);
            assertEquals(fired.isEmpty() ? 0f : fired.get(0).value(), r.maxActivation(), 0f, "max of " + f);
        }
        assertTrue(results.get(3).dead() && results.get(5).dead());
        assertEquals(1.0, results.get(9).fracNonzero());
    }

    @Test
    void topExamplesAreExactWithWholeWindows() {
        int checked = 0;
        for (int f = 0; f < N; f++) {
            var fired = oracle.fired(f);
            FeatureResult r = results.get(f);
            if (fired.isEmpty()) {
                assertTrue(r.groups().isEmpty());
                continue;
            }
            ExampleGroup top = r.topGroup();
            assertEquals(-1, top.binMin());
            assertEquals(-1, top.binContains());
            assertEquals(
                    Math.min(SETTINGS.topExamples(), fired.size()),
                    top.examples().size());
            for (int i = 0; i < top.examples().size(); i++) {
                var want = fired.get(i);
                ExampleContext ex = top.examples().get(i);
                assertEquals(want.position(), ex.qualifyingTokenIndex(), "latent " + f + " example " + i);
                assertEquals(want.value(), ex.value(ex.qualifyingTokenIndex()), 0f);
                assertArrayEquals(oracle.column(want.window(), f), ex.values(), "window values of latent " + f);
                assertArrayEquals(oracle.windowTokens.get(want.window()), ex.tokenIds());
                assertEquals("t" + ex.tokenIds()[0], ex.tokens().get(0));
                checked++;
            }
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    @Test
    void histogramsMatchDirectCounting() {
        for (int f = 0; f < N; f++) {
            Histogram h = results.get(f).activationHistogram();
            assertArrayEquals(oracle.histogram(f, SETTINGS.fineBins()), h.barHeights(), "latent " + f);
            assertEquals(results.get(f).nonzeroCount(), (long) h.total());
        }
    }

    @Test
    void intervalGroupsAreTheOraclesUniformSamples() {
        for (int f = 0; f < N; f++) {
            var want = oracle.intervals(
                    f, SETTINGS.fineBins(), SETTINGS.intervalGroups(), SETTINGS.examplesPerInterval(), SETTINGS.seed());
            List<ExampleGroup> got = results.get(f).groups().isEmpty()
                    ? List.of()
                    : results.get(f).groups().subList(1, results.get(f).groups().size());
            assertEquals(want.size(), got.size(), "latent " + f);
            double fractions = 0;
            for (int g = 0; g < want.size(); g++) {
                assertEquals(want.get(g).lo(), got.get(g).binMin(), 0);
                assertEquals(want.get(g).hi(), got.get(g).binMax(), 0);
                assertEquals(want.get(g).count(), got.get(g).count());
                fractions += got.get(g).binContains();
                List<ExampleContext> ex = got.get(g).examples();
                assertEquals(want.get(g).sample().size(), ex.size());
                for (int i = 0; i < ex.size(); i++) {
                    assertEquals(
                            want.get(g).sample().get(i).position(), ex.get(i).qualifyingTokenIndex());
                    assertArrayEquals(
                            oracle.column(want.get(g).sample().get(i).window(), f),
                            ex.get(i).values());
                }
            }
            if (!want.isEmpty()) assertEquals(1.0, fractions, 1e-12);
        }
    }

    @Test
    void logitLensMatchesAFullSort() {
        for (int f = 0; f < N; f++) {
            double[] logits = NaiveFeatureOracle.logits(wDec, f, D, wu, VOCAB);
            LogitLens lens = results.get(f).logitLens();
            List<Integer> desc = NaiveFeatureOracle.order(logits, false);
            List<Integer> asc = NaiveFeatureOracle.order(logits, true);
            for (int i = 0; i < 10; i++) {
                assertEquals(desc.get(i), lens.top().get(i).tokenId(), "latent " + f + " top " + i);
                assertEquals(logits[desc.get(i)], lens.top().get(i).value(), 1e-4);
                assertEquals("t" + desc.get(i), lens.top().get(i).token());
                assertEquals(asc.get(i), lens.bottom().get(i).tokenId(), "latent " + f + " bottom " + i);
                assertEquals(logits[asc.get(i)], lens.bottom().get(i).value(), 1e-4);
            }
            Histogram h = lens.histogram();
            assertEquals(VOCAB, h.total(), 0);
            assertEquals(20, h.bars());
            double w = (logits[desc.get(0)] - logits[asc.get(0)]) / 20;
            assertEquals(w, h.barWidth(), 1e-5);
            // Heights by direct counting; a value within float error of an edge may land one bar over.
            double[] want = new double[20];
            for (double v : logits) want[Math.min(19, (int) ((v - logits[asc.get(0)]) / w))]++;
            double diff = 0;
            for (int b = 0; b < 20; b++) diff += Math.abs(want[b] - h.barHeights()[b]);
            assertTrue(diff <= 2, "latent " + f + " histogram differs by " + diff);
        }
    }

    @Test
    void neighboursAreTheClosestDecoderRows() {
        for (int f = 0; f < N; f++) {
            double[] cos = NaiveFeatureOracle.cosines(wDec, f, N, D);
            List<Integer> best = NaiveFeatureOracle.order(cos, false);
            List<Neighbour> got = results.get(f).neighbours();
            assertEquals(10, got.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(best.get(i), got.get(i).index(), "latent " + f + " neighbour " + i);
                assertEquals(cos[best.get(i)], got.get(i).cosine(), 1e-5);
            }
        }
    }

    @Test
    void summaryCountsDeadAndDenseAndDensities() {
        assertEquals(oracle.tokens, summary.tokenCount());
        assertEquals(oracle.windowValues.size(), summary.contexts());
        int dead = 0, dense = 0;
        List<Double> live = new ArrayList<>();
        for (int f = 0; f < N; f++) {
            int c = oracle.fired(f).size();
            if (c == 0) dead++;
            else live.add(Math.log10((double) c / oracle.tokens));
            if ((double) c / oracle.tokens > 0.1) dense++;
            assertEquals(
                    c == 0 ? -10f : (float) Math.log10((double) c / oracle.tokens), summary.log10Density()[f], 1e-6);
        }
        assertEquals(2, dead);
        assertEquals(dead, summary.deadCount());
        assertEquals(dense, summary.denseCount());
        assertEquals(live.size(), (long) summary.log10DensityHistogram().total());
        double min = live.stream().mapToDouble(x -> x).min().orElseThrow();
        double max = live.stream().mapToDouble(x -> x).max().orElseThrow();
        assertEquals((max - min) / 12, summary.log10DensityHistogram().barWidth(), 1e-12);
        assertEquals(Map.of("fvu", 0.25), summary.metrics());
    }

    @Test
    void oneThreadGivesTheSameResults() throws Exception {
        List<FeatureResult> single = new ArrayList<>();
        SaeSource source = new SaeSource(
                "d2-000600", "1-res-relu-48", "blocks.1.hook_resid_post", "run1", "ckpt1", "standard", D, N);
        String[] table = new String[VOCAB];
        for (int i = 0; i < VOCAB; i++) table[i] = "t" + i;
        try (FeatureAnalysis a = new FeatureAnalysis(
                sae, source, new Unembedding(wu, VOCAB, D), new TokenText(table), SETTINGS.withThreads(1), tmp)) {
            for (ActivationBatch b : batches) a.accept(b);
            a.finish("c1/eval", Map.of(), new FeatureSink() {
                public void feature(FeatureResult r) {
                    single.add(r);
                }

                public void summary(SaeSummary s) {}
            });
        }
        assertEquals(results, single);
    }
}

package dev.nanochat.sae.neuronpedia;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeLensCfg;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.io.SaeLensFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test inputs: a TopK SAELens folder written by sae-core's writer (d_in 8, d_sae n) and dashboards for
 * it where every third feature is dead and examples hold real-looking token strings (one is "",
 * which Neuronpedia's write API rejects, to exercise the fix-up).
 */
public final class Fixtures {
    public static final String MODEL = "d2-000600";
    public static final String SET = "res-topk";
    public static final int LAYER = 1;
    public static final String HOOK = "blocks.1.hook_resid_post";

    private Fixtures() {}

    public static Path saeFolder(Path dir, int dSae) {
        SaeConfig cfg = SaeConfig.builder("topk", 8)
                .dSae(dSae)
                .k(4)
                .modelName(MODEL)
                .hookPoint(HOOK)
                .contextSize(64)
                .datasetPath("corpus/default")
                .build();
        ObjectNode json = SaeLensCfg.toJson(cfg, "topk");
        Random r = new Random(7);
        Map<String, HostTensor> w = new LinkedHashMap<>();
        w.put("W_enc", HostTensor.of(randn(r, 8 * dSae), 8, dSae));
        w.put("b_enc", HostTensor.of(randn(r, dSae), dSae));
        w.put("W_dec", HostTensor.of(randn(r, dSae * 8), dSae, 8));
        w.put("b_dec", HostTensor.of(randn(r, 8), 8));
        SaeLensFolder.write(dir, json, w, null);
        return dir;
    }

    /** dSae features; index % 3 == 2 dead; each live one has {@code examples} windows of {@code len} tokens. */
    public static SaeDashboards dashboards(int dSae, int examples, int len) {
        Random r = new Random(11);
        List<FeatureDashboard> fs = new ArrayList<>();
        for (int i = 0; i < dSae; i++) {
            List<ActivationExample> acts = new ArrayList<>();
            if (i % 3 != 2) {
                for (int e = 0; e < examples; e++) {
                    List<String> toks = new ArrayList<>();
                    double[] vals = new double[len];
                    for (int t = 0; t < len; t++) {
                        toks.add(t == 0 ? "<|bos|>" : (e == 0 && t == 1) ? "" : " tok" + r.nextInt(500));
                        vals[t] = Math.max(0, r.nextGaussian() * 2);
                    }
                    acts.add(
                            e == 0
                                    ? ActivationExample.top(toks, vals)
                                    : new ActivationExample(
                                            toks, vals, 0.5 * e, 0.5 * e + 0.5, 0.1, ExportArgmax.of(vals)));
                }
            }
            double max =
                    acts.stream().mapToDouble(ActivationExample::maxValue).max().orElse(0);
            fs.add(new FeatureDashboard(
                    i,
                    acts.isEmpty() ? 0 : 0.01 + 0.001 * i,
                    max,
                    List.of(" the", " of", " and"),
                    new double[] {1.25, 1.0, 0.75},
                    List.of(" x", " y", " z"),
                    new double[] {-0.5, -0.75, -1.0},
                    new double[] {5, 3, 1},
                    new double[] {0.5, 1.5, 2.5},
                    new double[] {2, 4},
                    new double[] {-1, 1},
                    new int[] {(i + 1) % dSae},
                    new double[] {0.3},
                    acts,
                    i == 0 ? List.of("the word 'the'") : List.of()));
        }
        return new SaeDashboards(MODEL, SET, LAYER, HOOK, "corpus/default", 40, len, dSae, fs);
    }

    static float[] randn(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** Argmax kept apart from the code under test (first index of the maximum). */
    public static final class ExportArgmax {
        public static int of(double[] v) {
            int b = 0;
            for (int i = 0; i < v.length; i++) if (v[i] > v[b]) b = i;
            return b;
        }
    }
}

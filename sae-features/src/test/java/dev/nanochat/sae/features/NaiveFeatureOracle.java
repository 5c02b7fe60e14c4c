package dev.nanochat.sae.features;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.records.ActivationBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The obviously correct version of the analysis: encode everything densely, keep every value, sort.
 * Only for small sets (memory tokens × d_sae). Windows are cut by the same rule as the real pass.
 */
final class NaiveFeatureOracle {
    record Token(int window, int position, float value) {
        long loc() {
            return FeatureAccumulator.location(window, position);
        }
    }

    final int dSae;
    final List<float[]> windowValues = new ArrayList<>(); // per window: [len, dSae] dense codes
    final List<int[]> windowTokens = new ArrayList<>();
    long tokens;

    NaiveFeatureOracle(int dSae) {
        this.dSae = dSae;
    }

    void accept(Sae sae, ActivationBatch b) {
        float[] z = sae.encode(b.activations(), b.rows());
        int start = 0;
        for (int r = 1; r <= b.rows(); r++) {
            if (r == b.rows() || b.docIds()[r] != b.docIds()[r - 1] || b.positions()[r] != b.positions()[r - 1] + 1) {
                windowValues.add(java.util.Arrays.copyOfRange(z, start * dSae, r * dSae));
                windowTokens.add(java.util.Arrays.copyOfRange(b.tokenIds(), start, r));
                start = r;
            }
        }
        tokens += b.rows();
    }

    /** Every token where latent f fired, best first (value desc, then location asc). */
    List<Token> fired(int f) {
        List<Token> out = new ArrayList<>();
        for (int w = 0; w < windowValues.size(); w++) {
            float[] z = windowValues.get(w);
            for (int p = 0; p < z.length / dSae; p++) {
                if (z[p * dSae + f] > 0) out.add(new Token(w, p, z[p * dSae + f]));
            }
        }
        out.sort(Comparator.comparing((Token t) -> -t.value).thenComparingLong(Token::loc));
        return out;
    }

    float[] column(int w, int f) {
        float[] z = windowValues.get(w);
        float[] out = new float[z.length / dSae];
        for (int p = 0; p < out.length; p++) out[p] = z[p * dSae + f];
        return out;
    }

    /** Fine-grid bin width: R/F with R the smallest power of two above the max. */
    static double binWidth(float max, int fine) {
        return Math.pow(2, Math.getExponent(max) + 1) / fine;
    }

    /** Activation histogram heights over bins 0..bin(max), by direct counting. */
    double[] histogram(int f, int fine) {
        List<Token> all = fired(f);
        if (all.isEmpty()) return new double[0];
        double w = binWidth(all.get(0).value, fine);
        int used = (int) Math.floor(all.get(0).value / w) + 1;
        double[] h = new double[used];
        for (Token t : all) h[(int) Math.floor(t.value / w)]++;
        return h;
    }

    /** Interval g (0 = lowest) of G: its tokens, and its sample of k by priority, sorted like the real one. */
    record Interval(double lo, double hi, long count, List<Token> sample) {}

    List<Interval> intervals(int f, int fine, int groups, int k, long seed) {
        List<Token> all = fired(f);
        List<Interval> out = new ArrayList<>();
        if (all.isEmpty()) return out;
        double w = binWidth(all.get(0).value, fine);
        int used = (int) Math.floor(all.get(0).value / w) + 1;
        for (int g = groups - 1; g >= 0; g--) {
            int lo = g * used / groups, hi = (g + 1) * used / groups;
            List<Token> in = new ArrayList<>();
            for (Token t : all) {
                int b = (int) Math.floor(t.value / w);
                if (b >= lo && b < hi) in.add(t);
            }
            if (in.isEmpty()) continue;
            List<Token> byPrio = new ArrayList<>(in);
            byPrio.sort(Comparator.comparingLong(t -> FeatureAccumulator.priority(seed, f, t.loc())));
            List<Token> sample = new ArrayList<>(byPrio.subList(0, Math.min(k, byPrio.size())));
            sample.sort(Comparator.comparing((Token t) -> -t.value).thenComparingLong(Token::loc));
            out.add(new Interval(lo * w, hi * w, in.size(), sample));
        }
        return out;
    }

    /** Logit lens row in double precision: W_dec[f] · W_U[t] for every token. */
    static double[] logits(float[] wDec, int f, int d, float[] wu, int vocab) {
        double[] out = new double[vocab];
        for (int t = 0; t < vocab; t++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) wDec[f * d + j] * wu[t * d + j];
            out[t] = s;
        }
        return out;
    }

    /** Indices sorted by value (descending unless ascending), full sort. */
    static List<Integer> order(double[] v, boolean ascending) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < v.length; i++) idx.add(i);
        idx.sort((a, b) -> ascending ? Double.compare(v[a], v[b]) : Double.compare(v[b], v[a]));
        return idx;
    }

    static double[] cosines(float[] wDec, int f, int n, int d) {
        double[] out = new double[n];
        for (int g = 0; g < n; g++) {
            double dot = 0, a = 0, b = 0;
            for (int j = 0; j < d; j++) {
                dot += (double) wDec[f * d + j] * wDec[g * d + j];
                a += (double) wDec[f * d + j] * wDec[f * d + j];
                b += (double) wDec[g * d + j] * wDec[g * d + j];
            }
            out[g] = g == f ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(a * b);
        }
        return out;
    }
}

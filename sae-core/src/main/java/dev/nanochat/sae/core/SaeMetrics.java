package dev.nanochat.sae.core;

import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.Kernels;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates an SAE on activations, streaming in chunks so no [tokens, d_sae] array is ever held: each
 * chunk is encoded (DJL), turned into sparse codes, and decoded in Java from the active rows of W_dec.
 * {@link Accumulator} lets a service feed batches as they arrive; {@link #evaluate} does it for one array.
 */
public final class SaeMetrics {
    static final double HIST_MIN = -10;
    static final double HIST_BIN = 0.5;
    static final int HIST_BINS = 20;

    private SaeMetrics() {}

    public static EvalMetrics evaluate(Sae sae, float[] x, int rows) {
        Accumulator acc = new Accumulator(sae);
        acc.add(x, rows);
        return acc.result();
    }

    /** Streaming evaluation: add batches, then read the metrics. */
    public static final class Accumulator {
        private final Sae sae;
        private final int d;
        private final int n;
        private final float[] wDec;
        private final float[] bDec;
        private final long[] fired;
        private final double[] sum;
        private final double[] sumSq;
        private long tokens;
        private double sqErr, l0, l1, cosine, l2Ratio;

        public Accumulator(Sae sae) {
            this.sae = sae;
            this.d = sae.config().dIn();
            this.n = sae.config().dSae();
            HostTensor w = sae.weights().get("W_dec");
            this.wDec = w.data();
            this.bDec = sae.weights().get("b_dec").data();
            this.fired = new long[n];
            this.sum = new double[d];
            this.sumSq = new double[d];
        }

        public void add(float[] x, int rows) {
            if ((long) rows * d != x.length)
                throw new IllegalArgumentException(
                        "activations have " + x.length + " floats, expected rows=" + rows + " × d_in=" + d);
            int chunk = Math.max(1, Math.min(rows, (1 << 23) / n)); // ≤ 32 MB of dense features per chunk
            for (int start = 0; start < rows; start += chunk) {
                int r = Math.min(chunk, rows - start);
                float[] xs = java.util.Arrays.copyOfRange(x, start * d, (start + r) * d);
                for (float v : xs)
                    if (!Float.isFinite(v))
                        throw new IllegalArgumentException(
                                "activations contain NaN/Inf (rows " + start + ".." + (start + r) + ")");
                addChunk(xs, sae.encodeSparse(xs, r), r);
            }
        }

        private void addChunk(float[] x, SparseCodes z, int rows) {
            float[] xHat = new float[d];
            for (int t = 0; t < rows; t++) {
                System.arraycopy(bDec, 0, xHat, 0, d);
                double absSum = 0;
                for (int p = z.rowPtr()[t]; p < z.rowPtr()[t + 1]; p++) {
                    Kernels.axpy(z.values()[p], wDec, z.indices()[p] * d, xHat, 0, d);
                    absSum += Math.abs(z.values()[p]);
                    fired[z.indices()[p]]++;
                }
                l0 += z.rowPtr()[t + 1] - z.rowPtr()[t];
                l1 += absSum;
                double err = 0, xx = 0, hh = 0, xh = 0;
                for (int j = 0; j < d; j++) {
                    double xv = x[t * d + j], hv = xHat[j];
                    err += (xv - hv) * (xv - hv);
                    xx += xv * xv;
                    hh += hv * hv;
                    xh += xv * hv;
                    sum[j] += xv;
                    sumSq[j] += xv * xv;
                }
                sqErr += err;
                cosine += xx > 0 && hh > 0 ? xh / Math.sqrt(xx * hh) : 0;
                l2Ratio += xx > 0 ? Math.sqrt(hh / xx) : 0;
            }
            tokens += rows;
        }

        public EvalMetrics result() {
            if (tokens == 0) throw new IllegalStateException("no activations were evaluated");
            double variance = 0;
            for (int j = 0; j < d; j++) variance += sumSq[j] - sum[j] * sum[j] / tokens;
            double fvu = variance > 0 ? sqErr / variance : Double.NaN;
            int dead = 0, dense10 = 0, dense1 = 0;
            long[] counts = new long[HIST_BINS];
            for (int i = 0; i < n; i++) {
                double f = (double) fired[i] / tokens;
                if (fired[i] == 0) dead++;
                if (f > 0.1) dense10++;
                if (f > 0.01) dense1++;
                int bin = (int) Math.floor((Math.log10(Math.max(f, 1e-10)) - HIST_MIN) / HIST_BIN);
                counts[Math.max(0, Math.min(HIST_BINS - 1, bin))]++;
            }
            List<Double> edges = new ArrayList<>();
            for (int b = 0; b <= HIST_BINS; b++) edges.add(HIST_MIN + b * HIST_BIN);
            List<Long> c = new ArrayList<>();
            for (long v : counts) c.add(v);
            return new EvalMetrics(
                    tokens,
                    sqErr / tokens,
                    fvu,
                    1 - fvu,
                    l0 / tokens,
                    l1 / tokens,
                    (double) dead / n,
                    (double) dense10 / n,
                    (double) dense1 / n,
                    edges,
                    c,
                    cosine / tokens,
                    l2Ratio / tokens);
        }
    }
}

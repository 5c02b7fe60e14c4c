package dev.nanochat.sae.core.kernels;

import java.nio.FloatBuffer;

/**
 * Per-row top-k of a [rows, n] float matrix read in place from native memory (a direct buffer over the
 * GEMM output), with a size-k min-heap per row. One pass, no copy of the pre-activations to the Java
 * heap; for k ≪ n almost every element is rejected by one comparison with the heap minimum, so this is
 * memory-bound and beats libtorch's topk on this CPU; the rejections are tested a SIMD vector at a time. Output is unsorted [rows, k] values and indices.
 */
public final class RowTopK {
    private RowTopK() {}

    public static void select(FloatBuffer pre, int rows, int n, int k, Parallel par, float[] vals, int[] idx) {
        select(pre, null, rows, n, k, par, vals, idx);
    }

    /**
     * As above over pre + bias (bias [n] added to each element as it is read, the same float sum an
     * elementwise add would store; null = none). Reads the buffer in bulk slices of a row (a heap copy
     * of one row per thread, cheaper than a bounds-checked get per element).
     */
    public static void select(
            FloatBuffer pre, float[] bias, int rows, int n, int k, Parallel par, float[] vals, int[] idx) {
        select(pre, bias, rows, n, k, par, vals, idx, 0);
    }

    /** As above, writing row t's k entries at vals/idx[out + t·k ...] (a block of a larger batch). */
    public static void select(
            FloatBuffer pre, float[] bias, int rows, int n, int k, Parallel par, float[] vals, int[] idx, int out) {
        par.forRange(rows, (c, from, to) -> {
            float[] hv = new float[k];
            int[] hi = new int[k];
            float[] row = new float[n];
            FloatBuffer view = pre.duplicate();
            for (int t = from; t < to; t++) {
                view.position(t * n);
                view.get(row, 0, n);
                if (bias != null) for (int i = 0; i < n; i++) row[i] += bias[i];
                for (int j = 0; j < k; j++) {
                    hv[j] = row[j];
                    hi[j] = j;
                }
                for (int j = k / 2 - 1; j >= 0; j--) siftDown(hv, hi, j, k);
                float min = hv[0];
                // Same visiting order as a plain scan (so the same heap), but the rejected elements — all
                // but a few per row for k ≪ n — are skipped a vector at a time.
                for (int i = Kernels.firstAbove(row, k, n, min); i < n; i = Kernels.firstAbove(row, i + 1, n, min)) {
                    hv[0] = row[i];
                    hi[0] = i;
                    siftDown(hv, hi, 0, k);
                    min = hv[0];
                }
                System.arraycopy(hv, 0, vals, out + t * k, k);
                System.arraycopy(hi, 0, idx, out + t * k, k);
            }
        });
    }

    private static void siftDown(float[] hv, int[] hi, int j, int k) {
        while (true) {
            int l = 2 * j + 1, r = l + 1, m = j;
            if (l < k && hv[l] < hv[m]) m = l;
            if (r < k && hv[r] < hv[m]) m = r;
            if (m == j) return;
            float tv = hv[j];
            hv[j] = hv[m];
            hv[m] = tv;
            int ti = hi[j];
            hi[j] = hi[m];
            hi[m] = ti;
            j = m;
        }
    }
}

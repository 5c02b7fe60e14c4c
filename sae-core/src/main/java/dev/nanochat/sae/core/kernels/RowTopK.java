package dev.nanochat.sae.core.kernels;

import java.nio.FloatBuffer;

/**
 * Per-row top-k of a [rows, n] float matrix read in place from native memory (a direct buffer over the
 * GEMM output), with a size-k min-heap per row. One pass, no copy of the pre-activations to the Java
 * heap; for k ≪ n almost every element is rejected by one comparison with the heap minimum, so this is
 * memory-bound and beats libtorch's topk on this CPU; a bound from chunk maxima ({@link #selectRow})
 * leaves the heap a few candidates per row. Output is unsorted [rows, k] values and indices.
 */
public final class RowTopK {
    private RowTopK() {}

    /** -Dsae.topkChunkBound=false: the heap scans every element (for comparing the two). */
    static final boolean CHUNK_BOUND = !"false".equals(System.getProperty("sae.topkChunkBound"));

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
            float[] cv = new float[n];
            int[] ci = new int[n];
            FloatBuffer view = pre.duplicate();
            for (int t = from; t < to; t++) {
                view.position(t * n);
                view.get(row, 0, n);
                selectRow(row, bias, n, k, hv, hi, cv, ci);
                System.arraycopy(hv, 0, vals, out + t * k, k);
                System.arraycopy(hi, 0, idx, out + t * k, k);
            }
        });
    }

    /**
     * The k largest of row (+ bias, added in place) into hv/hi, unsorted. Bound first: split the row into
     * k chunks; every chunk holds an element ≥ τ = the smallest chunk maximum, so at least k elements are
     * ≥ τ and the k-th largest is too. Only the elements ≥ τ (≈ 2% of a row of 6144 at k 32 for
     * Gaussian pre-activations) go through the heap, in index order. Two SIMD passes over the row and a
     * heap over ~4k candidates, where a heap over the whole row took ~k·ln(n/k) insertions, each
     * restarting the vector scan. A row with NaN (fewer than k candidates compare ≥ τ) takes the plain
     * scan over the whole row.
     */
    static void selectRow(float[] row, float[] bias, int n, int k, float[] hv, int[] hi, float[] cv, int[] ci) {
        int m = n;
        float[] src = row;
        int[] srcIdx = null;
        if (CHUNK_BOUND && n >= 2 * k && k > 0) {
            float tau = Kernels.addThenMinOfChunkMax(row, bias, n, k);
            m = Kernels.collectAtLeast(row, n, tau, cv, ci);
            if (m >= k) {
                src = cv;
                srcIdx = ci;
            } else {
                m = n; // NaN in the row: scan it all
            }
        } else if (bias != null) {
            for (int i = 0; i < n; i++) row[i] += bias[i];
        }
        for (int j = 0; j < k; j++) {
            hv[j] = src[j];
            hi[j] = srcIdx == null ? j : srcIdx[j];
        }
        for (int j = k / 2 - 1; j >= 0; j--) siftDown(hv, hi, j, k);
        float min = hv[0];
        // Same visiting order as a plain scan (so the same heap), but the rejected elements are skipped a
        // vector at a time.
        for (int i = Kernels.firstAbove(src, k, m, min); i < m; i = Kernels.firstAbove(src, i + 1, m, min)) {
            hv[0] = src[i];
            hi[0] = srcIdx == null ? i : srcIdx[i];
            siftDown(hv, hi, 0, k);
            min = hv[0];
        }
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

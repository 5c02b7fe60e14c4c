package dev.nanochat.sae.core.kernels;

/**
 * Dense primitives over float[] slices, dispatched once to {@link VectorKernels} (SIMD) when the JVM has
 * {@code jdk.incubator.vector} and {@code -Dsae.scalar=true} is not set, else to scalar loops. The scalar
 * dot keeps eight independent partial sums so the FP adds pipeline, combined in a fixed order.
 */
public final class Kernels {
    /** True when the SIMD kernels are in use (constant-folded by the JIT). */
    public static final boolean VECTOR =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("sae.scalar");

    private Kernels() {}

    /** "vector(16 lanes)" or "scalar", for startup logs and benchmarks. */
    public static String describe() {
        return VECTOR ? "vector" : "scalar";
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        return VECTOR ? VectorKernels.dot(a, ao, b, bo, n) : scalarDot(a, ao, b, bo, n);
    }

    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        if (VECTOR) VectorKernels.axpy(alpha, x, xo, y, yo, n);
        else scalarAxpy(alpha, x, xo, y, yo, n);
    }

    public static float scalarDot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
            s4 += a[ao + i + 4] * b[bo + i + 4];
            s5 += a[ao + i + 5] * b[bo + i + 5];
            s6 += a[ao + i + 6] * b[bo + i + 6];
            s7 += a[ao + i + 7] * b[bo + i + 7];
        }
        for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** y[yo..yo+n) += alpha · x[xo..xo+n). */
    public static void scalarAxpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** Adam over [from, to) of one tensor with the gradient scaled by f; see {@link VectorKernels#adam}. */
    public static void adam(
            float[] p,
            float[] g,
            float[] m,
            float[] v,
            int from,
            int to,
            float f,
            float b1,
            float c1,
            float b2,
            float c2,
            float step,
            float sqrtC2,
            float eps) {
        if (VECTOR) VectorKernels.adam(p, g, m, v, from, to, f, b1, c1, b2, c2, step, sqrtC2, eps);
        else scalarAdam(p, g, m, v, from, to, f, b1, c1, b2, c2, step, sqrtC2, eps);
    }

    /** c1 = 1 − β1, c2 = 1 − β2; p −= step · m / (√v / √(1 − β2^t) + ε). */
    public static void scalarAdam(
            float[] p,
            float[] g,
            float[] m,
            float[] v,
            int from,
            int to,
            float f,
            float b1,
            float c1,
            float b2,
            float c2,
            float step,
            float sqrtC2,
            float eps) {
        for (int i = from; i < to; i++) {
            float gi = g[i] * f;
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= step * mi / ((float) Math.sqrt(vi) / sqrtC2 + eps);
        }
    }

    /** Index of the first a[i] > min in [from, to), or to. */
    public static int firstAbove(float[] a, int from, int to, float min) {
        if (VECTOR) return VectorKernels.firstAbove(a, from, to, min);
        for (int i = from; i < to; i++) if (a[i] > min) return i;
        return to;
    }

    /**
     * row[i] += bias[i] (bias null: none), then the smallest of the maxima of {@code chunks} consecutive
     * chunks (the last takes the remainder); n ≥ chunks. Max is exact, so lanes may combine in any order.
     */
    public static float addThenMinOfChunkMax(float[] row, float[] bias, int n, int chunks) {
        return VECTOR
                ? VectorKernels.addThenMinOfChunkMax(row, bias, n, chunks)
                : scalarAddThenMinOfChunkMax(row, bias, n, chunks);
    }

    public static float scalarAddThenMinOfChunkMax(float[] row, float[] bias, int n, int chunks) {
        int size = n / chunks;
        float tau = Float.POSITIVE_INFINITY;
        for (int c = 0; c < chunks; c++) {
            int from = c * size, to = c == chunks - 1 ? n : from + size;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                if (bias != null) row[i] += bias[i];
                max = Math.max(max, row[i]);
            }
            tau = Math.min(tau, max);
        }
        return tau;
    }

    /** The a[i] ≥ tau of a[0, n) and their indices, in index order, into vals/idx; returns their count. */
    public static int collectAtLeast(float[] a, int n, float tau, float[] vals, int[] idx) {
        return VECTOR ? VectorKernels.collectAtLeast(a, n, tau, vals, idx) : scalarCollectAtLeast(a, n, tau, vals, idx);
    }

    public static int scalarCollectAtLeast(float[] a, int n, float tau, float[] vals, int[] idx) {
        int q = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] >= tau) {
                vals[q] = a[i];
                idx[q++] = i;
            }
        }
        return q;
    }
}

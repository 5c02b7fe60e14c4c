package dev.nanochat.sae.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of {@link Kernels} with the incubating Vector API (AVX-512: 16 lanes). C2 does not
 * auto-vectorise axpy over two arrays at unrelated offsets nor ordered float reductions; on this CPU these
 * are 3–6× faster. Only loaded when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 * Lane sums are combined in a fixed scalar order (not reduceLanes, whose order may differ between the
 * interpreter and C2), so results do not depend on JIT state — exact resume relies on that.
 */
public final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {}

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), acc1);
        }
        float[] lanes = new float[L];
        acc0.add(acc1).intoArray(lanes, 0);
        float s = 0;
        for (int l = 0; l < L; l++) s += lanes[l];
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L)
            FloatVector.fromArray(S, x, xo + i)
                    .fma(va, FloatVector.fromArray(S, y, yo + i))
                    .intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /**
     * Adam over [from, to) with the gradient scaled by f (the clip factor) on the fly: the same operations
     * in the same order as {@link Kernels#scalarAdam} (mul and add kept separate, no FMA; IEEE sqrt and
     * division), so the two are bitwise equal.
     */
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
        FloatVector vf = FloatVector.broadcast(S, f),
                vb1 = FloatVector.broadcast(S, b1),
                vc1 = FloatVector.broadcast(S, c1),
                vb2 = FloatVector.broadcast(S, b2),
                vc2 = FloatVector.broadcast(S, c2),
                vstep = FloatVector.broadcast(S, step),
                vsq = FloatVector.broadcast(S, sqrtC2),
                veps = FloatVector.broadcast(S, eps);
        int i = from;
        for (int ub = from + S.loopBound(to - from); i < ub; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i).mul(vf);
            FloatVector mi = vb1.mul(FloatVector.fromArray(S, m, i)).add(vc1.mul(gi));
            FloatVector vi =
                    vb2.mul(FloatVector.fromArray(S, v, i)).add(vc2.mul(gi).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector upd = vstep.mul(mi).div(vi.sqrt().div(vsq).add(veps));
            FloatVector.fromArray(S, p, i).sub(upd).intoArray(p, i);
        }
        if (i < to) Kernels.scalarAdam(p, g, m, v, i, to, f, b1, c1, b2, c2, step, sqrtC2, eps);
    }

    /** Σ a[i]² over [from, to) as a double of float lane sums combined in a fixed order. */
    public static double sumSquares(float[] a, int from, int to) {
        return dot(a, from, a, from, to - from);
    }

    /** Index of the first a[i] > min in [from, to), or to: 16 comparisons per instruction, for top-k scans. */
    public static int firstAbove(float[] a, int from, int to, float min) {
        FloatVector vmin = FloatVector.broadcast(S, min);
        int i = from;
        for (int ub = from + S.loopBound(to - from); i < ub; i += L) {
            var mask = FloatVector.fromArray(S, a, i).compare(jdk.incubator.vector.VectorOperators.GT, vmin);
            if (mask.anyTrue()) return i + mask.firstTrue();
        }
        for (; i < to; i++) if (a[i] > min) return i;
        return to;
    }

    /** y1 += a1·x1 and y2 += a2·x2 over n elements in one loop (the two rows of a latent's gradients). */
    public static void axpy2(
            float a1,
            float[] x1,
            int x1o,
            float[] y1,
            int y1o,
            float a2,
            float[] x2,
            int x2o,
            float[] y2,
            int y2o,
            int n) {
        FloatVector va1 = FloatVector.broadcast(S, a1), va2 = FloatVector.broadcast(S, a2);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, x1, x1o + i)
                    .fma(va1, FloatVector.fromArray(S, y1, y1o + i))
                    .intoArray(y1, y1o + i);
            FloatVector.fromArray(S, x2, x2o + i)
                    .fma(va2, FloatVector.fromArray(S, y2, y2o + i))
                    .intoArray(y2, y2o + i);
        }
        for (; i < n; i++) {
            y1[y1o + i] += a1 * x1[x1o + i];
            y2[y2o + i] += a2 * x2[x2o + i];
        }
    }

    /** As {@link Kernels#addThenMinOfChunkMax}, a vector of lanes at a time. */
    public static float addThenMinOfChunkMax(float[] row, float[] bias, int n, int chunks) {
        int size = n / chunks;
        float tau = Float.POSITIVE_INFINITY;
        for (int c = 0; c < chunks; c++) {
            int from = c * size, to = c == chunks - 1 ? n : from + size;
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int i = from;
            for (int ub = from + S.loopBound(to - from); i < ub; i += L) {
                FloatVector v = FloatVector.fromArray(S, row, i);
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(S, bias, i));
                    v.intoArray(row, i);
                }
                vmax = vmax.max(v);
            }
            float max = vmax.reduceLanes(jdk.incubator.vector.VectorOperators.MAX);
            for (; i < to; i++) {
                if (bias != null) row[i] += bias[i];
                max = Math.max(max, row[i]);
            }
            tau = Math.min(tau, max);
        }
        return tau;
    }

    /**
     * As {@link Kernels#collectAtLeast}: vectors without an element ≥ tau are skipped with one compare,
     * and each hit is found with firstTrue (JDK 17 does not make mask.toLong an intrinsic: 6× slower;
     * testing a hit vector's lanes one by one: 2.5×).
     */
    public static int collectAtLeast(float[] a, int n, float tau, float[] vals, int[] idx) {
        FloatVector vt = FloatVector.broadcast(S, tau);
        int q = 0, i = 0;
        while (i <= n - L) {
            var mask = FloatVector.fromArray(S, a, i).compare(jdk.incubator.vector.VectorOperators.GE, vt);
            if (!mask.anyTrue()) {
                i += L;
                continue;
            }
            int j = i + mask.firstTrue();
            vals[q] = a[j];
            idx[q++] = j;
            i = j + 1; // the next vector starts after the hit (unaligned loads are fine)
        }
        for (; i < n; i++) {
            if (a[i] >= tau) {
                vals[q] = a[i];
                idx[q++] = i;
            }
        }
        return q;
    }
}

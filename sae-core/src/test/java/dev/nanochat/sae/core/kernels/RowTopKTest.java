package dev.nanochat.sae.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RowTopK's chunk-bound selection against a sort of each row, on data chosen to stress the bound. */
class RowTopKTest {
    /** The k largest values of row + bias, descending (the oracle: a full sort). */
    private static float[] sortedTop(float[] row, float[] bias, int k) {
        float[] a = row.clone();
        if (bias != null) for (int i = 0; i < a.length; i++) a[i] += bias[i];
        Float[] boxed = new Float[a.length];
        for (int i = 0; i < a.length; i++) boxed[i] = a[i];
        Arrays.sort(boxed, (x, y) -> Float.compare(y, x));
        float[] top = new float[k];
        for (int i = 0; i < k; i++) top[i] = boxed[i];
        return top;
    }

    private static void check(String name, float[][] rows, float[] bias, int k) {
        int n = rows[0].length;
        FloatBuffer buf = ByteBuffer.allocateDirect(rows.length * n * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (float[] r : rows) buf.put(r);
        float[] vals = new float[rows.length * k];
        int[] idx = new int[rows.length * k];
        try (Parallel par = new Parallel(2)) {
            RowTopK.select(buf, bias, rows.length, n, k, par, vals, idx);
        }
        for (int t = 0; t < rows.length; t++) {
            float[] got = Arrays.copyOfRange(vals, t * k, t * k + k);
            for (int j = 0; j < k; j++) {
                int i = idx[t * k + j];
                float expect = rows[t][i] + (bias == null ? 0f : bias[i]);
                assertEquals(expect, got[j], 0f, name + " row " + t + ": value at its index");
            }
            assertEquals(k, Arrays.stream(idx, t * k, t * k + k).distinct().count(), name + " row " + t + ": distinct");
            float[] sorted = got.clone();
            Arrays.sort(sorted);
            float[] desc = new float[k];
            for (int j = 0; j < k; j++) desc[j] = sorted[k - 1 - j];
            assertArrayEquals(sortedTop(rows[t], bias, k), desc, 0f, name + " row " + t);
        }
    }

    @Test
    void gaussianRowsWithAndWithoutBias() {
        Random rng = new Random(3);
        for (int[] nk : new int[][] {{6144, 32}, {1000, 7}, {64, 32}, {65, 32}, {40, 32}, {32, 32}, {17, 1}}) {
            int n = nk[0], k = nk[1];
            float[][] rows = new float[50][n];
            for (float[] r : rows) for (int i = 0; i < n; i++) r[i] = (float) rng.nextGaussian();
            float[] bias = new float[n];
            for (int i = 0; i < n; i++) bias[i] = (float) rng.nextGaussian();
            check("gaussian n=" + n + " k=" + k, rows, null, k);
            check("gaussian+bias n=" + n + " k=" + k, rows, bias, k);
        }
    }

    @Test
    void rowsThatDefeatOrTieTheBound() {
        int n = 6144, k = 32;
        float[][] rows = new float[6][n];
        for (int i = 0; i < n; i++) {
            rows[0][i] = i; // ascending: the top k all in the last chunk
            rows[1][i] = -i; // descending: all in the first
            rows[2][i] = 1f; // one value: every element a candidate
            rows[3][i] = i % 3; // many ties at the k-th value
            rows[4][i] = (i % 192 == 0) ? 5f : -1f; // one spike per chunk, exactly k
            rows[5][i] = Float.NEGATIVE_INFINITY;
        }
        rows[5][n - 1] = 0f;
        check("adversarial", rows, null, k);
    }

    @Test
    void aRowWithNanStillReturnsKDistinctEntries() {
        int n = 512, k = 8;
        float[] row = new float[n];
        Random rng = new Random(5);
        for (int i = 0; i < n; i++) row[i] = (float) rng.nextGaussian();
        row[100] = Float.NaN;
        FloatBuffer buf =
                ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buf.put(row);
        float[] vals = new float[k];
        int[] idx = new int[k];
        try (Parallel par = new Parallel(1)) {
            RowTopK.select(buf, null, 1, n, k, par, vals, idx);
        }
        assertEquals(k, Arrays.stream(idx).distinct().count());
        // the plain scan's result: NaN never beats the heap minimum, so the k largest finite values
        float[] finite = row.clone();
        finite[100] = Float.NEGATIVE_INFINITY;
        float[] got = vals.clone();
        Arrays.sort(got);
        float[] want = sortedTop(finite, null, k);
        Arrays.sort(want);
        assertArrayEquals(want, got, 0f);
    }

    @Test
    void simdBoundAndCollectEqualTheScalarOnes() {
        Random rng = new Random(9);
        for (int n : new int[] {6144, 1000, 77}) {
            float[] row = new float[n], bias = new float[n];
            for (int i = 0; i < n; i++) {
                row[i] = (float) rng.nextGaussian();
                bias[i] = (float) rng.nextGaussian();
            }
            row[n / 2] = Float.NaN;
            for (float[] b : new float[][] {null, bias}) {
                float[] v = row.clone(), s = row.clone();
                float tv = VectorKernels.addThenMinOfChunkMax(v, b, n, 8);
                float ts = Kernels.scalarAddThenMinOfChunkMax(s, b, n, 8);
                assertArrayEquals(s, v, 0f, "bias added in place, n=" + n);
                assertEquals(ts, tv, 0f, "bound, n=" + n);
                float tau = 1.5f;
                float[] vv = new float[n], sv = new float[n];
                int[] vi = new int[n], si = new int[n];
                int qv = VectorKernels.collectAtLeast(v, n, tau, vv, vi);
                int qs = Kernels.scalarCollectAtLeast(s, n, tau, sv, si);
                assertEquals(qs, qv);
                assertArrayEquals(Arrays.copyOf(si, qs), Arrays.copyOf(vi, qv));
                assertArrayEquals(Arrays.copyOf(sv, qs), Arrays.copyOf(vv, qv), 0f);
            }
        }
    }
}

package dev.nanochat.sae.core.arch.topk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.SparseCodes;
import org.junit.jupiter.api.Test;

/** The blocked GEMM + top-k selects what one GEMM + top-k selects, blocks not dividing the rows. */
class TopKBlockedSelectTest {
    @Test
    void blockedSelectionEqualsTheOneGemmSelection() {
        int rows = 1000, d = 48, n = 512, k = 8;
        TopKObjective obj =
                new TopKObjective(SaeConfig.builder("topk", d).dSae(n).k(k).build());
        Rng rng = new Rng(7);
        float[] x = new float[rows * d], enc = new float[n * d], b = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < enc.length; i++) enc[i] = (float) rng.nextGaussian() * 0.2f;
        for (int i = 0; i < n; i++) b[i] = (float) rng.nextGaussian() * 0.1f;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Parallel par = new Parallel(2)) {
            NDArray xNd = m.create(x, new Shape(rows, d)), eNd = m.create(enc, new Shape(n, d));
            SparseCodes whole = obj.encodeSelect(xNd, eNd, b, rows, par, rows);
            for (int block : new int[] {64, 333}) {
                SparseCodes blocked = obj.encodeSelect(xNd, eNd, b, rows, par, block);
                assertArrayEquals(whole.rowPtr(), blocked.rowPtr(), "block " + block);
                assertEquals(rows * k, blocked.nnz(), "k per row, all positive here");
                for (int t = 0; t < rows; t++) {
                    // as sets per row: the heap's output order follows the same scan, but compare sorted
                    int[] wi = java.util.Arrays.copyOfRange(whole.indices(), t * k, t * k + k);
                    int[] bi = java.util.Arrays.copyOfRange(blocked.indices(), t * k, t * k + k);
                    java.util.Arrays.sort(wi);
                    java.util.Arrays.sort(bi);
                    assertArrayEquals(wi, bi, "block " + block + " row " + t);
                }
                float maxDiff = 0;
                for (int q = 0; q < whole.nnz(); q++)
                    maxDiff = Math.max(maxDiff, Math.abs(whole.values()[q] - blocked.values()[q]));
                assertEquals(0f, maxDiff, 1e-5f, "block " + block);
            }
        }
    }
}

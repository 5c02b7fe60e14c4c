package dev.nanochat.sae.core.arch.batchtopk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** BatchTopK's candidate-based selection equals a naive global sort over the whole [B, n] batch. */
class BatchTopKSelectionTest {
    @Test
    void matchesGlobalSortEvenWhenOneTokenDominates() {
        int rows = 16, n = 64, k = 2;
        Rng rng = new Rng(4);
        float[] pre = new float[rows * n];
        for (int i = 0; i < pre.length; i++) pre[i] = (float) rng.nextGaussian();
        for (int i = 0; i < n; i++) pre[3 * n + i] = 10 + i; // token 3 holds more than 4k of the global top B·k
        float[] sorted = pre.clone();
        Arrays.sort(sorted);
        float tau = sorted[sorted.length - rows * k];
        float[] naive = new float[pre.length];
        for (int i = 0; i < pre.length; i++) naive[i] = pre[i] >= tau && pre[i] > 0 ? pre[i] : 0;
        SaeConfig cfg = SaeConfig.builder("batchtopk", 8).dSae(n).k(k).build();
        SparseCodes codes;
        try (NDManager m = NDManager.newBaseManager();
                Parallel par = new Parallel(2)) {
            codes = new BatchTopKObjective(cfg).select(m.create(pre, new Shape(rows, n)), rows, par);
        }
        assertEquals(rows * k, codes.nnz());
        assertArrayEquals(naive, codes.toDense());
    }
}

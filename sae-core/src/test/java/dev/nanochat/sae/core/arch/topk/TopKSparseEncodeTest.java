package dev.nanochat.sae.core.arch.topk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeRegistry;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TopK's sparse encode (torch.topk, only [rows, k] read back) gives the same CSR codes as the dense encode
 * it replaces for the feature analysis: same latents, bit-identical values, ReLU applied (a
 * negative b_enc makes some of the k largest pre-activations negative, so rows hold fewer than k).
 */
class TopKSparseEncodeTest {
    @Test
    void sparseEncodeEqualsTheDenseEncodeRowByRow() {
        int d = 24, n = 200, k = 9, rows = 150;
        Random r = new Random(3);
        float[] wEnc = gaussian(r, d * n, 0.3f), wDec = gaussian(r, n * d, 0.3f), bEnc = gaussian(r, n, 0.5f);
        for (int i = 0; i < n; i++) bEnc[i] -= 3f;
        SaeConfig cfg = SaeConfig.builder("topk", d).dSae(n).k(k).build();
        try (Sae sae = SaeRegistry.create(
                "topk",
                cfg,
                Map.of(
                        "W_enc", new HostTensor(new long[] {d, n}, wEnc),
                        "b_enc", new HostTensor(new long[] {n}, bEnc),
                        "W_dec", new HostTensor(new long[] {n, d}, wDec),
                        "b_dec", new HostTensor(new long[] {d}, gaussian(r, d, 0.1f))))) {
            float[] x = gaussian(r, rows * d, 1f);
            SparseCodes sparse = sae.encodeSparse(x, rows);
            SparseCodes dense = SparseCodes.fromDense(sae.encode(x, rows), rows, n);
            assertArrayEquals(dense.rowPtr(), sparse.rowPtr());
            // Same latents and bit-identical values per row; the sparse encode leaves them in selection order.
            for (int t = 0; t < rows; t++) {
                java.util.Map<Integer, Float> want = new java.util.HashMap<>(), got = new java.util.HashMap<>();
                for (int p = dense.rowPtr()[t]; p < dense.rowPtr()[t + 1]; p++)
                    want.put(dense.indices()[p], dense.values()[p]);
                for (int p = sparse.rowPtr()[t]; p < sparse.rowPtr()[t + 1]; p++)
                    got.put(sparse.indices()[p], sparse.values()[p]);
                assertEquals(want, got, "row " + t);
            }
            int full = 0, partial = 0;
            for (int t = 0; t < rows; t++) {
                int have = sparse.rowPtr()[t + 1] - sparse.rowPtr()[t];
                if (have == k) full++;
                else partial++;
            }
            assertEquals(rows, full + partial);
            // Both kinds of rows occur, so the ReLU and the exact-k paths are both exercised.
            org.junit.jupiter.api.Assertions.assertTrue(
                    full > 0 && partial > 0, full + " full, " + partial + " partial");
        }
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }
}

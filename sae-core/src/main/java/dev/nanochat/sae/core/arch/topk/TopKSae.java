package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.Arrays;
import java.util.Map;

/**
 * SAELens "topk": z = ReLU(TopK_k(h)). The seed kept negative top-k values; the ReLU after TopK fixes that.
 * Ties at the k-th value may keep a few extra latents (measure-zero for real activations).
 */
public final class TopKSae extends SaeModel {
    public TopKSae(SaeConfig cfg, Map<String, HostTensor> weights) {
        super(cfg, weights);
    }

    @Override
    public String saeLensArchitecture() {
        return "topk";
    }

    /**
     * The k largest pre-activations per token straight from torch.topk, ReLU'd on the host: only
     * [rows, k] values and indices come down, not the dense [rows, d_sae] codes (the feature analysis
     * reads millions of tokens through this). Exactly k candidates per row, so a tie at the k-th value
     * keeps k, not the few more {@link #encodeNd} may; indices ascend within a row as in
     * {@link SparseCodes#fromDense}.
     */
    @Override
    public SparseCodes encodeSparse(float[] x, int rows) {
        checkInput(x, rows);
        int k = Math.min(cfg.k(), cfg.dSae());
        float[] vals;
        int[] idx;
        try (NDManager scope = NDManager.newBaseManager()) {
            NDList top = preActivation(scope.create(x, new Shape(rows, dIn))).topK(k, -1, true, false);
            vals = top.get(0).toFloatArray();
            idx = top.get(1).toType(DataType.INT32, false).toIntArray();
        }
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        long[] packed = new long[k];
        for (int r = 0; r < rows; r++) {
            int n = 0;
            for (int j = r * k; j < (r + 1) * k; j++) {
                // (index, value bits) in one long so one sort orders a row by feature index.
                if (vals[j] > 0) packed[n++] = ((long) idx[j] << 32) | (Float.floatToRawIntBits(vals[j]) & 0xffffffffL);
            }
            Arrays.sort(packed, 0, n);
            for (int j = 0; j < n; j++) {
                idx[nnz + j] = (int) (packed[j] >>> 32);
                vals[nnz + j] = Float.intBitsToFloat((int) packed[j]);
            }
            nnz += n;
            ptr[r + 1] = nnz;
        }
        return new SparseCodes(rows, cfg.dSae(), ptr, Arrays.copyOf(idx, nnz), Arrays.copyOf(vals, nnz));
    }

    @Override
    protected NDArray encodeNd(NDArray x) {
        NDArray h = preActivation(x);
        // kth: [..., 1] smallest of the k largest values per token.
        NDArray kth = h.topK(cfg.k(), -1, true, false).get(0).min(new int[] {-1}, true);
        return h.maximum(0f).mul(h.gte(kth).toType(DataType.FLOAT32, false));
    }
}

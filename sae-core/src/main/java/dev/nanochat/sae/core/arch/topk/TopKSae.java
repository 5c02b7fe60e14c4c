package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
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

    @Override
    protected NDArray encodeNd(NDArray x) {
        NDArray h = preActivation(x);
        // kth: [..., 1] smallest of the k largest values per token.
        NDArray kth = h.topK(cfg.k(), -1, true, false).get(0).min(new int[] {-1}, true);
        return h.maximum(0f).mul(h.gte(kth).toType(DataType.FLOAT32, false));
    }
}

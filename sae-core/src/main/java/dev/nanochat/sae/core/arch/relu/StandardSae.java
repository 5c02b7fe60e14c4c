package dev.nanochat.sae.core.arch.relu;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
import java.util.Map;

/** SAELens "standard": z = ReLU((x − b_dec)·W_enc + b_enc). Exported by the relu architecture. */
public final class StandardSae extends SaeModel {
    public StandardSae(SaeConfig cfg, Map<String, HostTensor> weights) {
        super(cfg, weights);
    }

    @Override
    public String saeLensArchitecture() {
        return "standard";
    }

    @Override
    protected NDArray encodeNd(NDArray x) {
        return preActivation(x).maximum(0f);
    }
}

package dev.nanochat.sae.core.arch.jumprelu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
import java.util.Map;

/**
 * SAELens "jumprelu": z = h·H(h − θ) with a per-latent threshold θ [n]. Exported by jumprelu and by
 * batchtopk (whose global threshold becomes θ for every latent).
 */
public final class JumpReluSae extends SaeModel {
    public JumpReluSae(SaeConfig cfg, Map<String, HostTensor> weights) {
        super(cfg, weights);
    }

    @Override
    public String saeLensArchitecture() {
        return "jumprelu";
    }

    @Override
    protected Map<String, long[]> expectedShapes() {
        Map<String, long[]> m = super.expectedShapes();
        m.put("threshold", new long[] {dSae});
        return m;
    }

    @Override
    protected NDArray encodeNd(NDArray x) {
        NDArray h = preActivation(x);
        return h.mul(h.gt(w("threshold")).toType(DataType.FLOAT32, false));
    }
}

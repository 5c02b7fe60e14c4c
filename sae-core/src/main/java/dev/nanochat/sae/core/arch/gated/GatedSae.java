package dev.nanochat.sae.core.arch.gated;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SAELens "gated": x_c = x − b_dec; π_gate = x_c·W_enc + b_gate; π_mag = x_c·(W_enc ⊙ exp(r_mag)) + b_mag;
 * z = 1[π_gate > 0] ⊙ ReLU(π_mag). W_enc is the gate matrix; r_mag rescales it per latent.
 */
public final class GatedSae extends SaeModel {
    public GatedSae(SaeConfig cfg, Map<String, HostTensor> weights) {
        super(cfg, weights);
    }

    @Override
    public String saeLensArchitecture() {
        return "gated";
    }

    @Override
    protected Map<String, long[]> expectedShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W_enc", new long[] {dIn, dSae});
        m.put("b_gate", new long[] {dSae});
        m.put("r_mag", new long[] {dSae});
        m.put("b_mag", new long[] {dSae});
        m.put("W_dec", new long[] {dSae, dIn});
        m.put("b_dec", new long[] {dIn});
        return m;
    }

    @Override
    protected NDArray encodeNd(NDArray x) {
        NDArray xc = x.sub(w("b_dec"));
        NDArray gate = xc.matMul(w("W_enc")).add(w("b_gate"));
        NDArray mag = xc.matMul(w("W_enc").mul(w("r_mag").exp())).add(w("b_mag"));
        return gate.gt(0f).toType(DataType.FLOAT32, false).mul(mag.maximum(0f));
    }
}

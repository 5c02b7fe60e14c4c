package dev.nanochat.sae.core;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * TopK through dense DJL autograd (KernelPath.DENSE): z = h ⊙ 1[h ≥ kth(h)] ⊙ 1[h > 0], then dense decode.
 * Kept to measure against the sparse kernels per shape; it has no AuxK term (the sparse path does).
 */
final class DenseTopKObjective extends DenseObjective {
    DenseTopKObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx) {
        NDArray h = linear(x.sub(p.get("b_dec")), p.get("enc"), p.get("b_enc"));
        NDArray hSg = h.stopGradient();
        NDArray kth = hSg.topK(cfg.k(), 1, true, false).get(0).min(new int[]{1}, true);
        NDArray z = h.mul(indicator(hSg.gte(kth).logicalAnd(hSg.gt(0f))));
        NDArray sq = tokenSqError(x, z, p.get("W_dec"), p.get("b_dec"));
        return new Forward(sq.mean(), sq, z, 0);
    }

    @Override Sae export(Params p, float scale) {
        return new TopKSae(cfg, exportLinear(p, scale, "b_enc"));
    }
}

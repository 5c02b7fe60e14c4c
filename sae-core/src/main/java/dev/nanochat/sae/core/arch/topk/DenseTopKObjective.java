package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.kernels.DeviceScalars;
import java.util.Map;

/**
 * TopK through dense DJL autograd (the DENSE path, and AUTO on a GPU): z = h ⊙ 1[h ≥ kth(h)] ⊙ 1[h > 0],
 * then dense decode, plus AuxK on dead latents with the sparse path's loss (Gao et al.):
 * aux = Σ_t ‖ê_t − e_t‖² / Σ_t ‖e_t − ē‖², ê = TopK_{k_aux}(h over dead latents)·W_dec, e = x − x̂ detached;
 * loss = mse + aux_k_coefficient · aux. Ties at the k-th value may keep a few more latents than the
 * sparse path's exact top-k; the objectives are otherwise the same.
 */
public class DenseTopKObjective extends DenseObjective {
    public DenseTopKObjective(SaeConfig cfg) {
        super(cfg);
    }

    /** Selection mask [rows, n] (1 = kept) from the detached pre-activations. */
    public NDArray keep(NDArray hSg, DeviceScalars c) {
        NDArray kth = hSg.topK(cfg.k(), 1, true, false).get(0).min(new int[] {1}, true);
        return indicator(hSg.gte(kth).logicalAnd(hSg.gt(c.of(0f))));
    }

    /** Smallest kept activation (scalar) or null when the objective does not need it. */
    public NDArray minActive(NDArray z, DeviceScalars c) {
        return null;
    }

    @Override
    public Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx, DeviceScalars c) {
        NDArray h = linear(x.sub(p.get("b_dec")), p.get("enc"), p.get("b_enc"));
        NDArray z = h.mul(keep(h.stopGradient(), c));
        NDArray sq = tokenSqError(x, z, p.get("W_dec"), p.get("b_dec"));
        NDArray mse = sq.mean();
        if (ctx.deadCount() == 0 || cfg.auxK() <= 0 || cfg.auxKCoefficient() <= 0)
            return new Forward(mse, sq, z, null, minActive(z, c));
        NDArray aux = auxLoss(h, x, sq, z, p, ctx, c);
        return new Forward(mse.add(aux.mul(c.of((float) cfg.auxKCoefficient()))), sq, z, aux, minActive(z, c));
    }

    private NDArray auxLoss(
            NDArray h, NDArray x, NDArray sq, NDArray z, Map<String, NDArray> p, StepContext ctx, DeviceScalars c) {
        // [n]; the device step passes its cached copy (uploaded only when the dead set changes)
        NDArray dead = p.containsKey(DEAD_MASK)
                ? p.get(DEAD_MASK)
                : indicator(x.getManager().create(ctx.dead()));
        NDArray hSg = h.stopGradient();
        NDArray hDead = hSg.add(dead.sub(c.of(1f)).mul(c.of(Float.MAX_VALUE))); // alive → −huge
        int ka = Math.min(cfg.auxK(), ctx.deadCount());
        NDArray kth = hDead.topK(ka, 1, true, false).get(0).min(new int[] {1}, true);
        NDArray zAux = h.mul(indicator(hDead.gte(kth).logicalAnd(hDead.gt(c.of(0f))))); // [rows, n]
        NDArray e = x.sub(z.matMul(p.get("W_dec")).add(p.get("b_dec"))).stopGradient(); // [rows, d]
        NDArray denom = e.sub(e.mean(new int[] {0}, true)).square().sum();
        // No read-back of denom (a device sync): divide by it where positive, else by 1 and mask to 0
        // (×1 is exact; masking after a division by 0 would put 0/0 into the gradient).
        NDArray positive = indicator(denom.gt(c.of(0f)));
        NDArray safe = denom.mul(positive).add(positive.neg().add(c.of(1f)));
        // ×0 when no latent is dead: ctx.deadCount() may count a superset of the mask's dead latents (the
        // device step's mask is exact, the host's count lags), and ka ≥ the true count selects the same.
        NDArray anyDead = indicator(dead.sum().gt(c.of(0f)));
        return zAux.matMul(p.get("W_dec"))
                .sub(e)
                .square()
                .sum()
                .div(safe)
                .mul(positive)
                .mul(anyDead);
    }

    @Override
    public Sae export(Params p, float scale) {
        return new TopKSae(cfg, exportLinear(p, scale, "b_enc"));
    }
}

package dev.nanochat.sae.core.arch.batchtopk;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.topk.DenseTopKObjective;
import dev.nanochat.sae.core.kernels.DeviceScalars;

/**
 * BatchTopK through dense DJL autograd (DENSE, and AUTO on a GPU): keep the B·k largest positive
 * pre-activations of the whole batch — one topK over the flattened [B·n] array, so the selection is the
 * same as {@link BatchTopKObjective}'s (up to ties) without its candidate doubling. The running threshold's
 * rule, its initialisation and the JumpReLU export are BatchTopKObjective's; the update itself runs on the
 * device, so the threshold is not read back every step.
 */
public final class DenseBatchTopKObjective extends DenseTopKObjective {
    private final BatchTopKObjective recipe;

    public DenseBatchTopKObjective(SaeConfig cfg) {
        super(cfg);
        this.recipe = new BatchTopKObjective(cfg);
    }

    @Override
    public Params init(Rng rng) {
        return recipe.init(rng);
    }

    @Override
    public NDArray keep(NDArray hSg, DeviceScalars c) {
        long budget = Math.min(hSg.size(), hSg.getShape().get(0) * (long) cfg.k());
        NDArray tau = hSg.flatten().topK((int) budget, 0, true, false).get(0).min();
        return indicator(hSg.gte(tau).logicalAnd(hSg.gt(c.of(0f))));
    }

    /** Smallest positive kept value: min over z where z > 0 (others lifted to +max). */
    @Override
    public NDArray minActive(NDArray z, DeviceScalars c) {
        NDArray zSg = z.stopGradient();
        return zSg.add(indicator(zSg.lte(c.of(0f))).mul(c.of(Float.MAX_VALUE))).min();
    }

    /** Nothing on the host: the dense step updates the running threshold on the device (DeviceTraining). */
    @Override
    public void afterStep(Params p, BatchResult r) {}

    @Override
    public Sae export(Params p, float scale) {
        return recipe.export(p, scale);
    }

    @Override
    public Sae export(Params p, float scale, float[] recentX, int rows) {
        return recipe.export(p, scale, recentX, rows);
    }
}

package dev.nanochat.sae.core.arch.relu;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.kernels.DeviceScalars;
import java.util.Map;

/**
 * ReLU SAE with L1 weighted by decoder norms (Anthropic): z = ReLU(h);
 * loss = mean_t Σ_d (x − x̂)² + λ · mean_t Σ_i z_i ‖W_dec[i]‖. Dead latents are resampled.
 */
public final class ReluObjective extends DenseObjective {
    public ReluObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx, DeviceScalars c) {
        NDArray xc = x.sub(p.get("b_dec"));
        NDArray z = relu(linear(xc, p.get("enc"), p.get("b_enc")));
        NDArray sq = tokenSqError(x, z, p.get("W_dec"), p.get("b_dec"));
        NDArray decNorm = p.get("W_dec").square().sum(new int[] {1}).sqrt();
        NDArray l1 = z.mul(decNorm).sum(new int[] {1}).mean();
        return new Forward(
                sq.mean().add(l1.mul(c.scheduled("sparsity_coefficient", (float) ctx.sparsityCoefficient()))),
                sq,
                z,
                null);
    }

    @Override
    public boolean resamplesDeadLatents() {
        return true;
    }

    @Override
    public Sae export(Params p, float scale) {
        return new StandardSae(cfg, exportLinear(p, scale, "b_enc"));
    }
}

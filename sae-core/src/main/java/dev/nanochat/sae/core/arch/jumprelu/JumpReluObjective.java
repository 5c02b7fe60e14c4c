package dev.nanochat.sae.core.arch.jumprelu;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.DeviceScalars;
import java.util.Map;

/**
 * JumpReLU SAE (Rajamanoharan et al. 2024b): z = h·H(h − θ), θ = exp(log_threshold) > 0;
 * loss = mean_t ‖x − x̂‖² + λ · mean_t Σ_i H(h_i − θ_i).
 *
 * Straight-through estimator with a rectangle kernel of bandwidth ε, written with stop-gradients so
 * autograd yields exactly the paper's pseudo-derivatives: for f_ste = sg(f) + (θ − sg(θ))·sg(g) the value
 * is f and ∂/∂θ is g, with g = −(θ/ε)·1[|h−θ| < ε/2] for z and −(1/ε)·1[|h−θ| < ε/2] for the L0 term.
 */
public final class JumpReluObjective extends DenseObjective {
    public JumpReluObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public Params init(Rng rng) {
        Params p = super.init(rng);
        java.util.Arrays.fill(
                p.add("log_threshold", new long[] {n}, true), (float) Math.log(cfg.jumpReluInitThreshold()));
        return p;
    }

    @Override
    public Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx, DeviceScalars c) {
        NDArray xc = x.sub(p.get("b_dec"));
        NDArray h = linear(xc, p.get("enc"), p.get("b_enc"));
        NDArray theta = p.get("log_threshold").exp();
        NDArray thetaSg = theta.stopGradient();
        NDArray hSg = h.stopGradient();
        float eps = (float) cfg.jumpReluBandwidth();
        NDArray step = indicator(hSg.gt(thetaSg)); // H(h − θ), [rows, n]
        NDArray kernel = indicator(hSg.sub(thetaSg).abs().lt(c.of(eps / 2))); // 1[|h − θ| < ε/2]
        NDArray thetaDelta = theta.sub(thetaSg); // 0 in value, identity in gradient
        NDArray z = h.mul(step).add(thetaDelta.mul(kernel.mul(thetaSg).mul(c.of(-1f / eps))));
        NDArray l0 = step.add(thetaDelta.mul(kernel.mul(c.of(-1f / eps))))
                .sum(new int[] {1})
                .mean();
        NDArray sq = tokenSqError(x, z, p.get("W_dec"), p.get("b_dec"));
        return new Forward(
                sq.mean().add(l0.mul(c.scheduled("sparsity_coefficient", (float) ctx.sparsityCoefficient()))),
                sq,
                z,
                null);
    }

    @Override
    public Sae export(Params p, float scale) {
        Map<String, HostTensor> w = exportLinear(p, scale, "b_enc");
        float[] logT = p.get("log_threshold");
        float[] theta = new float[n];
        for (int i = 0; i < n; i++) theta[i] = (float) Math.exp(logT[i]);
        w.put("threshold", new HostTensor(new long[] {n}, theta));
        return new JumpReluSae(cfg, w);
    }
}

package dev.nanochat.sae.core.arch.gated;

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
 * Gated SAE (Rajamanoharan et al. 2024). The seed's gate was a hard step with no gradient, so it never
 * learned; here the paper's loss trains it:
 * loss = mean_t ‖x − x̂‖² + λ · mean_t ‖ReLU(π_gate)‖₁ + mean_t ‖x − (ReLU(π_gate)·sg(W_dec) + sg(b_dec))‖².
 * Parameters: enc (gate rows), b_gate, r_mag, b_mag, W_dec, b_dec. Dead latents are resampled.
 */
public final class GatedObjective extends DenseObjective {
    public GatedObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public Params init(Rng rng) {
        Params base = super.init(rng);
        Params p = new Params();
        System.arraycopy(base.get("enc"), 0, p.add("enc", new long[] {n, d}, true), 0, n * d);
        p.add("b_gate", new long[] {n}, true);
        p.add("r_mag", new long[] {n}, true);
        p.add("b_mag", new long[] {n}, true);
        System.arraycopy(base.get("W_dec"), 0, p.add("W_dec", new long[] {n, d}, true), 0, n * d);
        p.add("b_dec", new long[] {d}, true);
        return p;
    }

    @Override
    public Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx, DeviceScalars c) {
        NDArray xc = x.sub(p.get("b_dec"));
        NDArray gate = linear(xc, p.get("enc"), p.get("b_gate"));
        // W_mag = W_gate ⊙ exp(r_mag): enc rows [n, d] scaled per latent.
        NDArray magEnc = p.get("enc").mul(p.get("r_mag").exp().expandDims(1));
        NDArray mag = linear(xc, magEnc, p.get("b_mag"));
        NDArray z = indicator(gate.stopGradient().gt(c.of(0f))).mul(relu(mag));
        NDArray sq = tokenSqError(x, z, p.get("W_dec"), p.get("b_dec"));
        NDArray gateRelu = relu(gate);
        NDArray l1 = gateRelu.sum(new int[] {1}).mean();
        NDArray aux = tokenSqError(
                        x,
                        gateRelu,
                        p.get("W_dec").stopGradient(),
                        p.get("b_dec").stopGradient())
                .mean();
        NDArray loss = sq.mean()
                .add(l1.mul(c.scheduled("sparsity_coefficient", (float) ctx.sparsityCoefficient())))
                .add(aux);
        return new Forward(loss, sq, z, aux);
    }

    @Override
    public boolean resamplesDeadLatents() {
        return true;
    }

    @Override
    public Sae export(Params p, float scale) {
        Map<String, HostTensor> lin = exportLinear(p, scale, null);
        Map<String, HostTensor> w = new java.util.LinkedHashMap<>();
        w.put("W_enc", lin.get("W_enc"));
        for (String b : new String[] {"b_gate", "r_mag", "b_mag"})
            w.put(b, new HostTensor(new long[] {n}, p.get(b).clone()));
        w.put("W_dec", lin.get("W_dec"));
        w.put("b_dec", lin.get("b_dec"));
        return new GatedSae(cfg, w);
    }
}

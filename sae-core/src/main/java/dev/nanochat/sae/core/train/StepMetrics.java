package dev.nanochat.sae.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of one training step. Reductions: mse = mean over tokens of Σ_d (x − x̂)² on the raw input
 * scale; fvu = Σ‖x − x̂‖² / Σ‖x − mean(x)‖² over the batch; l0 = mean active latents per token;
 * loss = the optimised objective (normalised scale, incl. sparsity and auxiliary terms); gradNorm = global
 * gradient norm before clipping (what grad_clip_norm bounds).
 */
public record StepMetrics(
        long step,
        long tokens,
        double loss,
        double mse,
        double fvu,
        double l0,
        double deadFraction,
        double lr,
        double auxLoss,
        double sparsityCoefficient,
        double gradNorm) {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("tokens", tokens);
        m.put("loss", loss);
        m.put("mse", mse);
        m.put("fvu", fvu);
        m.put("explained_variance", 1 - fvu);
        m.put("l0", l0);
        m.put("dead_fraction", deadFraction);
        m.put("lr", lr);
        m.put("aux_loss", auxLoss);
        m.put("sparsity_coefficient", sparsityCoefficient);
        m.put("grad_norm", gradNorm);
        return m;
    }
}

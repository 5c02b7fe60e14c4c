package dev.nanochat.sae.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation metrics named exactly as sae.md. Reductions: mse = mean over tokens of Σ_d (x − x̂)²;
 * fvu = Σ‖x − x̂‖² / Σ‖x − mean(x)‖²; l0/l1 = mean per token of #active / Σ|z|; cosine and l2_ratio
 * (‖x̂‖/‖x‖) are means over tokens; fractions are over latents, densities over the evaluated tokens.
 * The histogram counts latents per log10-density bin (edges has one more entry than counts; dead latents
 * fall in the first bin at the 1e-10 floor).
 */
public record EvalMetrics(
        long tokens,
        double mse,
        double fvu,
        double explainedVariance,
        double l0,
        double l1,
        double deadFraction,
        double denseFraction10pct,
        double denseFraction1pct,
        List<Double> log10DensityEdges,
        List<Long> log10DensityCounts,
        double cosine,
        double l2Ratio) {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokens);
        m.put("mse", mse);
        m.put("fvu", fvu);
        m.put("explained_variance", explainedVariance);
        m.put("l0", l0);
        m.put("l1", l1);
        m.put("dead_fraction", deadFraction);
        m.put("dense_fraction_10pct", denseFraction10pct);
        m.put("dense_fraction_1pct", denseFraction1pct);
        Map<String, Object> hist = new LinkedHashMap<>();
        hist.put("edges", log10DensityEdges);
        hist.put("counts", log10DensityCounts);
        m.put("log10_density_histogram", hist);
        m.put("cosine", cosine);
        m.put("l2_ratio", l2Ratio);
        return m;
    }
}

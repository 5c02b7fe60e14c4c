package dev.nanochat.sae.features;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-SAE part of a dashboard: what was analysed, the log10 density histogram, dead and dense
 * counts, each latent's density, and the evaluator's metrics when known.
 *
 * <p>{@code dataset} names the records analysed (collection and split); {@code contexts} and
 * {@code contextLength} are SAEDashboard's n_prompts_total and n_tokens_in_prompt (the longest window).
 * Dense means firing on more than 10% of tokens ({@code denseCount}) or 1% ({@code dense1PctCount});
 * dead means never firing on the analysed tokens. {@code log10Density} holds every latent's log10
 * density (-10 for dead, SAELens' sparsity.safetensors convention); the histogram covers live latents.
 */
public record SaeSummary(SaeSource source, String dataset, long tokenCount, long contexts, int contextLength,
    Histogram log10DensityHistogram, int deadCount, int denseCount, int dense1PctCount, float[] log10Density,
    Map<String, Double> metrics) {

  public SaeSummary {
    if (source == null || dataset == null || log10DensityHistogram == null || log10Density == null || metrics == null) {
      throw new IllegalArgumentException("source, dataset, histogram, densities and metrics are required");
    }
    if (log10Density.length != source.dSae()) {
      throw new IllegalArgumentException("need one density per latent: " + log10Density.length + " for d_sae "
          + source.dSae());
    }
    if (tokenCount <= 0 || contexts <= 0 || contextLength <= 0) {
      throw new IllegalArgumentException("nothing analysed: " + tokenCount + " tokens in " + contexts + " contexts");
    }
    log10Density = log10Density.clone();
    metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
  }

  @Override
  public float[] log10Density() {
    return log10Density.clone();
  }

  public double deadFraction() {
    return (double) deadCount / source.dSae();
  }

  /** Same summary with the evaluator's metrics attached. */
  public SaeSummary withMetrics(Map<String, Double> newMetrics) {
    return new SaeSummary(source, dataset, tokenCount, contexts, contextLength, log10DensityHistogram, deadCount,
        denseCount, dense1PctCount, log10Density, newMetrics);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SaeSummary s && source.equals(s.source) && dataset.equals(s.dataset) && tokenCount == s.tokenCount
        && contexts == s.contexts && contextLength == s.contextLength && log10DensityHistogram.equals(s.log10DensityHistogram)
        && deadCount == s.deadCount && denseCount == s.denseCount && dense1PctCount == s.dense1PctCount
        && Arrays.equals(log10Density, s.log10Density) && metrics.equals(s.metrics);
  }

  @Override
  public int hashCode() {
    return source.hashCode() * 31 + Arrays.hashCode(log10Density);
  }

  @Override
  public String toString() {
    return "SaeSummary[" + source.neuronpediaId() + " " + tokenCount + " tokens, dead " + deadCount + ", dense "
        + denseCount + "]";
  }
}

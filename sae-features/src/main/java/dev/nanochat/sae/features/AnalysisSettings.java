package dev.nanochat.sae.features;

/**
 * The dials of a feature analysis, validated here. Defaults follow SAEDashboard's
 * (top_acts_group_size 20, n_quantiles 10, quantile_group_size 5) and Neuronpedia's list sizes
 * (10 logit tokens each way, 10 neighbours).
 *
 * <p>{@code fineBins} is the resolution of the per-latent value grid that both the activation histogram
 * and the interval groups are cut from (see FeatureAccumulator): more bins give interval bounds closer to
 * equal widths at the cost of fineBins × examplesPerInterval samples per latent. {@code featureChunk}
 * bounds how many latents' example windows are assembled at once when the pass ends.
 */
public record AnalysisSettings(int topExamples, int intervalGroups, int examplesPerInterval, int fineBins,
    int logitTokens, int logitHistogramBars, int neighbours, int densityHistogramBars, double denseThreshold,
    long seed, int threads, int featureChunk) {

  public AnalysisSettings {
    positive("topExamples", topExamples);
    positive("intervalGroups", intervalGroups);
    positive("examplesPerInterval", examplesPerInterval);
    positive("logitTokens", logitTokens);
    positive("logitHistogramBars", logitHistogramBars);
    positive("densityHistogramBars", densityHistogramBars);
    positive("threads", threads);
    positive("featureChunk", featureChunk);
    if (neighbours < 0) {
      throw new IllegalArgumentException("neighbours must be ≥ 0, got " + neighbours);
    }
    if (fineBins < intervalGroups || Integer.bitCount(fineBins) != 1) {
      throw new IllegalArgumentException("fineBins must be a power of two ≥ intervalGroups (" + intervalGroups
          + "), got " + fineBins);
    }
    if (!(denseThreshold > 0 && denseThreshold < 1)) {
      throw new IllegalArgumentException("denseThreshold must be in (0, 1), got " + denseThreshold);
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  public static AnalysisSettings defaults() {
    return new AnalysisSettings(20, 10, 5, 64, 10, 50, 10, 50, 0.1, 0x5AE5EEDL,
        Math.max(1, Runtime.getRuntime().availableProcessors()), 2048);
  }

  public AnalysisSettings withThreads(int n) {
    return new AnalysisSettings(topExamples, intervalGroups, examplesPerInterval, fineBins, logitTokens,
        logitHistogramBars, neighbours, densityHistogramBars, denseThreshold, seed, n, featureChunk);
  }

  public AnalysisSettings withSizes(int top, int groups, int perGroup) {
    return new AnalysisSettings(top, groups, perGroup, fineBins, logitTokens, logitHistogramBars, neighbours,
        densityHistogramBars, denseThreshold, seed, threads, featureChunk);
  }
}

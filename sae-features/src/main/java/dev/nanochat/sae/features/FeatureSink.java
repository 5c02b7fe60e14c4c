package dev.nanochat.sae.features;

/**
 * Where an analysis delivers its results: every latent's {@link FeatureResult} once (in index order
 * within a chunk, chunks ascending), then the {@link SaeSummary}. Results stream out so a caller can store
 * 16k dashboards without holding them all; an exception thrown here aborts the analysis.
 */
public interface FeatureSink {
  void feature(FeatureResult result) throws Exception;

  void summary(SaeSummary summary) throws Exception;
}

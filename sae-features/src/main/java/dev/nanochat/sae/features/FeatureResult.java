package dev.nanochat.sae.features;

import java.util.List;

/**
 * Everything a dashboard shows for one latent, computed from one pass over the analysed tokens.
 *
 * <p>Field meanings (Neuronpedia's names in brackets): {@code nonzeroCount}/{@code tokenCount} give the
 * density (frac_nonzero); {@code maxActivation} (maxActApprox) and {@code meanNonzero} are over the
 * tokens where the latent fired; {@code groups} lists the top group first, then the interval groups in
 * descending value order (activations[] with binMin/binMax/binContains); {@code activationHistogram} bins
 * the nonzero values (freq_hist_data_bar_*); {@code logitLens} (pos_*, neg_*, logits_hist_data_bar_*);
 * {@code neighbours} by decoder cosine, most similar first (topkCosSimIndices/Values, without the latent
 * itself). A dead latent has no groups and an empty histogram.
 */
public record FeatureResult(int index, long nonzeroCount, long tokenCount, float maxActivation, double meanNonzero,
    List<ExampleGroup> groups, Histogram activationHistogram, LogitLens logitLens, List<Neighbour> neighbours,
    List<Explanation> explanations) {

  public FeatureResult {
    if (index < 0) {
      throw new IllegalArgumentException("feature index must be ≥ 0, got " + index);
    }
    if (tokenCount <= 0 || nonzeroCount < 0 || nonzeroCount > tokenCount) {
      throw new IllegalArgumentException("feature " + index + ": " + nonzeroCount + " nonzero of " + tokenCount + " tokens");
    }
    if (groups == null || activationHistogram == null || logitLens == null || neighbours == null || explanations == null) {
      throw new IllegalArgumentException("feature " + index + ": groups, histogram, logit lens, neighbours and explanations are required (use empty lists)");
    }
    if (!groups.isEmpty() && groups.get(0).kind() != ExampleGroup.Kind.TOP) {
      throw new IllegalArgumentException("feature " + index + ": the first group must be the top group");
    }
    groups = List.copyOf(groups);
    neighbours = List.copyOf(neighbours);
    explanations = List.copyOf(explanations);
  }

  /** frac_nonzero: the fraction of analysed tokens on which the latent fired. */
  public double fracNonzero() {
    return (double) nonzeroCount / tokenCount;
  }

  /** log10 of the density; -inf... clipped to -10 for a dead latent (SAELens' sparsity convention). */
  public double log10Density() {
    return nonzeroCount == 0 ? -10 : Math.log10(fracNonzero());
  }

  public boolean dead() {
    return nonzeroCount == 0;
  }

  /** The top-activations group, or null for a dead latent. */
  public ExampleGroup topGroup() {
    return groups.isEmpty() ? null : groups.get(0);
  }

  /** Same result with explanations attached (they come from outside the analysis). */
  public FeatureResult withExplanations(List<Explanation> newExplanations) {
    return new FeatureResult(index, nonzeroCount, tokenCount, maxActivation, meanNonzero, groups, activationHistogram,
        logitLens, neighbours, newExplanations);
  }
}

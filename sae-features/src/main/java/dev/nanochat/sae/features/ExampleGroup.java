package dev.nanochat.sae.features;

import java.util.List;

/**
 * A section of a feature page: the top-activations group or one activation interval (SAEDashboard's
 * quantile scheme).
 *
 * <p>Bounds follow Neuronpedia's activation rows: the top group has {@code binMin = -1},
 * {@code binContains = -1} and {@code binMax} = the feature's max activation; an interval group covers
 * activations in [binMin, binMax) (the last one includes binMax) and {@code binContains} is the fraction
 * (0..1) of the feature's nonzero activations that fall inside it. Examples of the top group are in
 * descending order of their qualifying value; an interval's examples are a deterministic uniform sample
 * of the tokens in the interval, also listed by descending qualifying value.
 */
public record ExampleGroup(Kind kind, double binMin, double binMax, double binContains, long count,
    List<ExampleContext> examples) {

  /** Whether a group is the top group or an interval. */
  public enum Kind { TOP, INTERVAL }

  public ExampleGroup {
    if (kind == null || examples == null) {
      throw new IllegalArgumentException("kind and examples are required");
    }
    if (kind == Kind.TOP && (binMin != -1 || binContains != -1)) {
      throw new IllegalArgumentException("a top group has binMin = binContains = -1, got " + binMin + ", " + binContains);
    }
    if (kind == Kind.INTERVAL && (binContains < 0 || binContains > 1 || binMax < binMin)) {
      throw new IllegalArgumentException("interval [" + binMin + ", " + binMax + ") with fraction " + binContains
          + " is invalid");
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be ≥ 0, got " + count);
    }
    examples = List.copyOf(examples);
  }

  /** SAEDashboard's section title ("TOP ACTIVATIONS", "INTERVAL 0.12 - 0.34"). */
  public String title() {
    return kind == Kind.TOP ? "TOP ACTIVATIONS"
        : String.format(java.util.Locale.ROOT, "INTERVAL %.3f - %.3f", binMin, binMax);
  }
}

package dev.nanochat.sae.features;

import java.util.Arrays;

/**
 * A bar histogram as Neuronpedia stores it: bar heights and bar centres ({@code *_bar_heights},
 * {@code *_bar_values}), plus the common bar width so a chart can draw bars without guessing.
 *
 * <p>Heights are counts (doubles, as Neuronpedia's columns are float arrays). An empty histogram (a dead
 * feature) has no bars.
 */
public record Histogram(double[] barHeights, double[] barValues, double barWidth) {

  public Histogram {
    if (barHeights == null || barValues == null || barHeights.length != barValues.length) {
      throw new IllegalArgumentException("histogram heights and centres must have equal lengths, got "
          + (barHeights == null ? "null" : barHeights.length) + " and " + (barValues == null ? "null" : barValues.length));
    }
    if (!(barWidth >= 0) || Double.isInfinite(barWidth)) {
      throw new IllegalArgumentException("bar width must be finite and ≥ 0, got " + barWidth);
    }
    barHeights = barHeights.clone();
    barValues = barValues.clone();
  }

  public static Histogram empty() {
    return new Histogram(new double[0], new double[0], 0);
  }

  @Override
  public double[] barHeights() {
    return barHeights.clone();
  }

  @Override
  public double[] barValues() {
    return barValues.clone();
  }

  public int bars() {
    return barHeights.length;
  }

  /** Sum of the heights (the number of values counted). */
  public double total() {
    double s = 0;
    for (double h : barHeights) {
      s += h;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && Arrays.equals(barHeights, h.barHeights) && Arrays.equals(barValues, h.barValues)
        && Double.compare(barWidth, h.barWidth) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(barHeights) * 31 + Arrays.hashCode(barValues);
  }

  @Override
  public String toString() {
    return "Histogram[" + barHeights.length + " bars, width " + barWidth + ", total " + total() + "]";
  }
}

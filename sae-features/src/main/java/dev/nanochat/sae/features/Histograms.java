package dev.nanochat.sae.features;

/**
 * Even-width bar histograms over the observed range [min, max] of some values (the logit lens over
 * the vocabulary, log10 densities over latents). Bar b covers [min + b·w, min + (b+1)·w), the last one
 * includes max; bar values are the centres. A constant input gives one bar of width 0.
 */
final class Histograms {
    private Histograms() {}

    static Histogram evenBars(float[] v, int off, int len, int bars) {
        double[] d = new double[len];
        for (int i = 0; i < len; i++) d[i] = v[off + i];
        return evenBars(d, bars);
    }

    static Histogram evenBars(double[] v, int bars) {
        if (v.length == 0) return Histogram.empty();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (max == min) return new Histogram(new double[] {v.length}, new double[] {min}, 0);
        double w = (max - min) / bars;
        double[] h = new double[bars];
        double[] c = new double[bars];
        for (double x : v) h[Math.min(bars - 1, (int) ((x - min) / w))]++;
        for (int b = 0; b < bars; b++) c[b] = min + (b + 0.5) * w;
        return new Histogram(h, c, w);
    }
}

package dev.nanochat.sae.core.train;

/**
 * Geometric median of rows (Weiszfeld's algorithm), used to initialise b_dec: robust to the few huge-norm
 * activations (e.g. the BOS position) that drag the mean.
 */
public final class GeometricMedian {
    private GeometricMedian() {}

    /** x [rows, d] → median [d]; starts from the mean and runs up to {@code iterations} reweightings. */
    static float[] of(float[] x, int rows, int d, int iterations) {
        double[] m = new double[d];
        for (int t = 0; t < rows; t++) for (int j = 0; j < d; j++) m[j] += x[t * d + j];
        for (int j = 0; j < d; j++) m[j] /= Math.max(1, rows);
        double[] next = new double[d];
        for (int it = 0; it < iterations; it++) {
            java.util.Arrays.fill(next, 0);
            double wsum = 0;
            for (int t = 0; t < rows; t++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = x[t * d + j] - m[j];
                    dist += diff * diff;
                }
                double w = 1.0 / Math.max(Math.sqrt(dist), 1e-8);
                wsum += w;
                for (int j = 0; j < d; j++) next[j] += w * x[t * d + j];
            }
            double shift = 0;
            for (int j = 0; j < d; j++) {
                double v = next[j] / wsum;
                shift += (v - m[j]) * (v - m[j]);
                m[j] = v;
            }
            if (shift < 1e-12) break;
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) out[j] = (float) m[j];
        return out;
    }
}

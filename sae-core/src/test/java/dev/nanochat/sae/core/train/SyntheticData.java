package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.kernels.Kernels;

/**
 * Activations built from known sparse unit directions: x = Σ_{i∈S} a_i f_i + noise, with |S| ≈ sparsity
 * drawn per token (feature i fires with probability ∝ a Zipf-like weight), a_i ~ 1 + |N(0, 0.5)|.
 * Tests check that a trained SAE's decoder rows recover the f_i.
 */
final class SyntheticData {
    final int d;
    final int features;
    final float[] directions; // [features, d], unit rows
    private final double[] fireProb;
    private final Rng rng;
    private final float noise;

    SyntheticData(int d, int features, double meanActive, float noise, long seed) {
        this.d = d;
        this.features = features;
        this.noise = noise;
        this.rng = new Rng(seed);
        directions = new float[features * d];
        for (int i = 0; i < features; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                float v = (float) rng.nextGaussian();
                directions[i * d + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < d; j++) directions[i * d + j] /= (float) Math.sqrt(norm);
        }
        fireProb = new double[features];
        double total = 0;
        for (int i = 0; i < features; i++) total += fireProb[i] = 1.0 / Math.sqrt(i + 4);
        for (int i = 0; i < features; i++) fireProb[i] *= meanActive / total;
    }

    float[] batch(int rows) {
        float[] x = new float[rows * d];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < features; i++) {
                if (rng.nextDouble() >= fireProb[i]) continue;
                float a = (float) (1 + Math.abs(rng.nextGaussian()) * 0.5);
                Kernels.axpy(a, directions, i * d, x, t * d, d);
            }
            for (int j = 0; j < d; j++) x[t * d + j] += (float) (noise * rng.nextGaussian()) + 0.3f;
        }
        return x;
    }

    /** Fraction of true directions matched by some decoder row with cosine > threshold. */
    double recovered(Sae sae, double threshold) {
        int n = sae.config().dSae();
        float[][] rows = new float[n][];
        for (int r = 0; r < n; r++) rows[r] = sae.decoderRow(r);
        int hit = 0;
        for (int i = 0; i < features; i++) {
            double best = -1;
            for (int r = 0; r < n; r++) {
                double dot = 0, nn = 0;
                for (int j = 0; j < d; j++) {
                    dot += rows[r][j] * directions[i * d + j];
                    nn += rows[r][j] * rows[r][j];
                }
                best = Math.max(best, dot / Math.sqrt(Math.max(nn, 1e-20)));
            }
            if (best > threshold) hit++;
        }
        return (double) hit / features;
    }
}

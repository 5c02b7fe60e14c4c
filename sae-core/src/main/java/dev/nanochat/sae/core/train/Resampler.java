package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.kernels.Kernels;

/**
 * Anthropic-style resampling of dead latents (relu, gated): each dead latent gets a new direction toward
 * an input sampled with probability ∝ its squared reconstruction loss; the decoder row is that input
 * (centred, unit norm), the encoder row the same direction scaled to 0.2 × the mean norm of alive
 * encoder rows, every per-latent bias/scale reset to 0, and the Adam moments of those slots cleared.
 */
public final class Resampler {
    static final double ENCODER_SCALE = 0.2;

    private Resampler() {}

    /** Returns the number of latents resampled. */
    static int resample(Params p, Adam adam, boolean[] dead, float[] x, float[] tokenSqError, int rows, Rng rng) {
        float[] w = p.get("W_dec"), enc = p.get("enc"), bDec = p.get("b_dec");
        int d = bDec.length, n = dead.length;
        int deadCount = LatentActivity.count(dead);
        if (deadCount == 0 || rows == 0) return 0;
        double aliveNorm = 0;
        for (int i = 0; i < n; i++) if (!dead[i]) aliveNorm += Math.sqrt(Kernels.dot(enc, i * d, enc, i * d, d));
        aliveNorm = n > deadCount ? aliveNorm / (n - deadCount) : 1;
        double[] cumulative = new double[rows];
        double total = 0;
        for (int t = 0; t < rows; t++) cumulative[t] = total += (double) tokenSqError[t] * tokenSqError[t];
        for (int i = 0; i < n; i++) {
            if (!dead[i]) continue;
            int t = sample(cumulative, total, rng);
            double norm = 0;
            for (int j = 0; j < d; j++) norm += Math.pow(x[t * d + j] - bDec[j], 2);
            norm = Math.sqrt(Math.max(norm, 1e-12));
            for (int j = 0; j < d; j++) {
                float dir = (float) ((x[t * d + j] - bDec[j]) / norm);
                w[i * d + j] = dir;
                enc[i * d + j] = (float) (dir * ENCODER_SCALE * aliveNorm);
            }
            adam.reset("W_dec", i * d, (i + 1) * d);
            adam.reset("enc", i * d, (i + 1) * d);
            for (Params.Entry e : p.entries()) {
                if (e.shape().length == 1 && e.shape()[0] == n) {
                    e.data()[i] = 0f;
                    if (e.trainable()) adam.reset(e.name(), i, i + 1);
                }
            }
        }
        return deadCount;
    }

    private static int sample(double[] cumulative, double total, Rng rng) {
        if (total <= 0) return rng.nextInt(cumulative.length);
        double u = rng.nextDouble() * total;
        int lo = java.util.Arrays.binarySearch(cumulative, u);
        int t = lo >= 0 ? lo : -lo - 1;
        return Math.min(t, cumulative.length - 1);
    }
}

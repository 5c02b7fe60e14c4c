package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.kernels.Parallel;

/**
 * Adam (β1 0.9, β2 0.999, ε 1e-8) over {@link Params}, with bias correction.
 *
 * Design: moments are Params of the same names so checkpoints store them directly; the update runs in
 * parallel chunks of each tensor (element-wise, so chunking cannot change the result). Moments of single
 * rows can be reset when dead latents are resampled.
 */
public final class Adam {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPS = 1e-8f;
    public final Params m;
    public final Params v;
    public long t;

    public Adam(Params params) {
        this.m = params.zerosLikeTrainable();
        this.v = params.zerosLikeTrainable();
    }

    public void step(Params params, Params grads, double lr, Parallel par) {
        t++;
        final float c1 = (float) (1 - Math.pow(BETA1, t));
        final float c2 = (float) (1 - Math.pow(BETA2, t));
        final float step = (float) lr / c1;
        final float sqrtC2 = (float) Math.sqrt(c2);
        for (Params.Entry e : params.entries()) {
            if (!e.trainable()) continue;
            float[] p = e.data(), g = grads.get(e.name()), mm = m.get(e.name()), vv = v.get(e.name());
            par.forRange(p.length, (c, from, to) -> {
                for (int i = from; i < to; i++) {
                    float gi = g[i];
                    float mi = BETA1 * mm[i] + (1 - BETA1) * gi;
                    float vi = BETA2 * vv[i] + (1 - BETA2) * gi * gi;
                    mm[i] = mi;
                    vv[i] = vi;
                    // p -= lr · m̂ / (√v̂ + ε) with m̂ = m/c1, √v̂ = √v/√c2
                    p[i] -= step * mi / ((float) Math.sqrt(vi) / sqrtC2 + EPS);
                }
            });
        }
    }

    /** Zeroes the moments of elements [from, to) of a tensor (after resampling those weights). */
    public void reset(String name, int from, int to) {
        java.util.Arrays.fill(m.get(name), from, to, 0f);
        java.util.Arrays.fill(v.get(name), from, to, 0f);
    }
}

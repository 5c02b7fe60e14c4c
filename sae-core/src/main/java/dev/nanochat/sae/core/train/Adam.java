package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.kernels.Kernels;
import dev.nanochat.sae.core.kernels.Parallel;

/**
 * Adam (β1 0.9, β2 0.999, ε 1e-8) over {@link Params}, with bias correction.
 *
 * Design: moments are Params of the same names so checkpoints store them directly; the update runs in
 * parallel chunks of each tensor (element-wise, so chunking cannot change the result), SIMD where the
 * Vector API is present ({@link Kernels#adam}, bitwise equal to the scalar loop). {@link #next} and
 * {@link #apply} let a caller fuse the update into its own passes (the sparse step applies it row chunk by
 * row chunk, renormalising each decoder row while it is in cache). Moments of single
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

    /** Bias-corrected factors of one step: p −= step · m / (√v / sqrtC2 + ε). */
    public record Factors(float step, float sqrtC2) {}

    /** Advances t and returns this step's factors (then {@link #apply} every element once). */
    public Factors next(double lr) {
        t++;
        final float c1 = (float) (1 - Math.pow(BETA1, t));
        final float c2 = (float) (1 - Math.pow(BETA2, t));
        return new Factors((float) lr / c1, (float) Math.sqrt(c2));
    }

    /** The update of elements [from, to) of tensor {@code name}, with its gradient scaled by gradScale on the fly. */
    public void apply(Factors f, String name, float[] p, float[] g, int from, int to, float gradScale) {
        Kernels.adam(
                p,
                g,
                m.get(name),
                v.get(name),
                from,
                to,
                gradScale,
                BETA1,
                1 - BETA1,
                BETA2,
                1 - BETA2,
                f.step(),
                f.sqrtC2(),
                EPS);
    }

    public void step(Params params, Params grads, double lr, Parallel par) {
        Factors f = next(lr);
        for (Params.Entry e : params.entries()) {
            if (!e.trainable()) continue;
            float[] p = e.data(), g = grads.get(e.name());
            par.forRange(p.length, (c, from, to) -> apply(f, e.name(), p, g, from, to, 1f));
        }
    }

    /** Zeroes the moments of elements [from, to) of a tensor (after resampling those weights). */
    public void reset(String name, int from, int to) {
        java.util.Arrays.fill(m.get(name), from, to, 0f);
        java.util.Arrays.fill(v.get(name), from, to, 0f);
    }
}

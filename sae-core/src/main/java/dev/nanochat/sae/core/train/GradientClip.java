package dev.nanochat.sae.core.train;

/**
 * Global gradient-norm clipping of the loss as it is optimised, i.e. on inputs normalised to
 * E‖x‖ = √d_in. That normalisation is what makes one threshold fit every model: the raw activation scale
 * (which differs by orders of magnitude between models and layers) never reaches the loss, so
 * ‖∇loss‖ > maxNorm means the same thing everywhere (the peer trainer's clip at 1.0 on the same
 * Σ_d-over-tokens-mean MSE). Early gradients are far larger than late ones and Adam's second moment
 * remembers them for longer than a short run lasts; clipping keeps those first steps from setting the scale.
 *
 * @param maxNorm threshold on the global L2 norm of all parameter gradients; 0 = off
 */
public record GradientClip(double maxNorm) {
    public GradientClip {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm))
            throw new IllegalArgumentException("grad_clip_norm must be ≥ 0 (0 = off), got " + maxNorm);
    }

    public boolean enabled() {
        return maxNorm > 0;
    }

    /** Factor to multiply the gradients by given their global norm (1 = unchanged). */
    public double factor(double norm) {
        if (!enabled() || !(norm > maxNorm)) return 1;
        return maxNorm / (norm + 1e-12);
    }
}

package dev.nanochat.sae.core.train;

/**
 * Global gradient-norm clipping, scale-aware.
 *
 * Our loss is on inputs normalised to E‖x‖ = √d_in, so the MSE is ≈ d_in × FVU and its gradients grow
 * with d_in. The threshold is therefore applied to the gradient of loss / d_in (an FVU-sized loss, the same
 * for every model width and raw activation scale): clip when ‖∇(loss/d_in)‖ > maxNorm, i.e. when
 * ‖∇loss‖ > maxNorm · d_in. Early gradients are ~100× the late ones and Adam's second moment remembers
 * them for longer than a short run lasts; clipping keeps those first steps from setting the scale.
 *
 * @param maxNorm threshold on ‖∇(loss / d_in)‖; 0 = off
 * @param dIn     input width (the scale factor above)
 */
public record GradientClip(double maxNorm, int dIn) {
    public GradientClip {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm))
            throw new IllegalArgumentException("grad_clip_norm must be ≥ 0 (0 = off), got " + maxNorm);
    }

    public boolean enabled() {
        return maxNorm > 0;
    }

    /** Threshold on the raw loss's gradient norm. */
    public double rawThreshold() {
        return maxNorm * dIn;
    }

    /** Factor to multiply the gradients by given their raw global norm (1 = unchanged). */
    public double factor(double rawNorm) {
        if (!enabled() || !(rawNorm > rawThreshold())) return 1;
        return rawThreshold() / (rawNorm + 1e-12);
    }

    /** The norm in the clip's units (‖∇(loss / d_in)‖), for metrics. */
    public double normalised(double rawNorm) {
        return rawNorm / dIn;
    }
}

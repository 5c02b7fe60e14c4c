package dev.nanochat.sae.runtime;

/**
 * One steering edit: SAE {@code sae} (index into the runtime's SAEs), latent {@code feature}, the method
 * and its value (the strength for ADDITIVE, the target activation for CLAMP, ignored for ABLATE).
 */
public record FeatureEdit(int sae, int feature, SteerMethod method, float value) {
    public FeatureEdit {
        if (method == null) throw new IllegalArgumentException("steering method is required");
        if (!Float.isFinite(value)) throw new IllegalArgumentException("steering value must be finite, got " + value);
    }

    public static FeatureEdit add(int sae, int feature, float strength) {
        return new FeatureEdit(sae, feature, SteerMethod.ADDITIVE, strength);
    }

    public static FeatureEdit clamp(int sae, int feature, float value) {
        return new FeatureEdit(sae, feature, SteerMethod.CLAMP, value);
    }

    public static FeatureEdit ablate(int sae, int feature) {
        return new FeatureEdit(sae, feature, SteerMethod.ABLATE, 0f);
    }

    /** The value f_i is set to (CLAMP, ABLATE). */
    float target() {
        return method == SteerMethod.ABLATE ? 0f : value;
    }
}

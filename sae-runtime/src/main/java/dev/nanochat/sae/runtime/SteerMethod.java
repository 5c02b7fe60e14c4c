package dev.nanochat.sae.runtime;

/**
 * How one feature is steered. Every method edits the original activation x (never replaces it by the
 * SAE's reconstruction), so the SAE's reconstruction error x − x̂ stays in the model:
 * ADDITIVE x + s·W_dec[i]; CLAMP x + (v − f_i(x))·W_dec[i] (f_i set to v); ABLATE = CLAMP to 0.
 */
public enum SteerMethod {
    ADDITIVE,
    CLAMP,
    ABLATE;

    /** Whether the edit needs the feature's current value f_i(x), i.e. an encode at the hook. */
    boolean needsEncoding() {
        return this != ADDITIVE;
    }
}

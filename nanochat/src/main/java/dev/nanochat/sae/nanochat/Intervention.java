package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;

/**
 * Called with the activation at a hook point ([B,T,C] fp32, T = tokens of this forward call; during
 * cached generation T is the new tokens only). Returns the replacement, which flows on through the
 * model (e.g. an SAE reconstruction for spliced loss, or x + α·direction for steering); returning the
 * same array leaves the model unchanged. Captures at the same hook see the replacement.
 */
@FunctionalInterface
public interface Intervention {
    NDArray apply(HookPoint hook, NDArray activation);

    /**
     * Whether the intervention may hold on to the activation array after {@link #apply} returns (and so
     * the forward must not update it in place later). An intervention that copies what it needs
     * returns false, and the pass keeps its in-place residual adds.
     */
    default boolean retainsActivation() {
        return true;
    }
}

package dev.nanochat.sae.nanochat;

/**
 * Stage timer the forward calls between its ops (libtorch's CPU ops run synchronously, so wall time
 * between calls is the op's time). {@link #NONE} costs one virtual call per stage.
 */
interface Laps {
    Laps NONE = stage -> {};

    /** Charges the time since the previous lap to {@code stage}. */
    void lap(String stage);
}

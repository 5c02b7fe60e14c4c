package dev.nanochat.sae.trainer.persistence;

/** Lifecycle of a run; also used for the desired state (RUNNING, PAUSED, STOPPED). */
public enum RunStatus {
    PENDING,
    RUNNING,
    PAUSED,
    COMPLETED,
    STOPPED,
    FAILED;

    /** Terminal runs have released their slot and are never trained again. */
    public boolean terminal() {
        return this == COMPLETED || this == STOPPED || this == FAILED;
    }
}

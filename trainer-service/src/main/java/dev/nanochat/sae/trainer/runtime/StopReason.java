package dev.nanochat.sae.trainer.runtime;

/** Why a run's loop is asked to end on this instance. */
public enum StopReason {
    /** Slot revoked by a rebalance: checkpoint, leave the run RUNNING for its next owner. */
    HANDOVER,
    /** User paused: checkpoint, status PAUSED. */
    PAUSE,
    /** User stopped: final checkpoint, status STOPPED, slot released. */
    STOP,
    /** We are no longer the owner (slot lost or fenced): write nothing. */
    ABANDON
}

package dev.nanochat.sae.collector.collection;

/** Lifecycle of a collection; the last three are terminal. */
public enum CollectionStatus {
    QUEUED,
    WAITING_FOR_KAFKA,
    RUNNING,
    COMPLETED,
    CANCELLED,
    FAILED;

    public boolean terminal() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }
}

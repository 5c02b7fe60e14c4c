package dev.nanochat.sae.collector.collection;

/** What a running collection reports; the service persists it and turns it into metrics. */
public interface CollectionListener extends KafkaWaitListener {
    /** Topics are ready and records are about to flow. */
    void running();

    /** Called after each forward step (and at the end) with what is acknowledged so far. */
    void progress(CollectionProgress progress);

    /** Terminal status, with a reason for FAILED and CANCELLED. */
    void finished(CollectionStatus status, String message);
}

package dev.nanochat.sae.collector.collection;

/** Told when the collection is blocked on Kafka and when it can proceed again. */
public interface KafkaWaitListener {
    void waiting(String reason);

    void resumed();
}

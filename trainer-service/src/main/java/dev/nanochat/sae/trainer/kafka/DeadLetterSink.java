package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.core.records.InvalidRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where {@link KafkaRecordSource} sends records it cannot train on. */
@FunctionalInterface
public interface DeadLetterSink {
    void publish(ConsumerRecord<String, byte[]> source, InvalidRecordException why);
}

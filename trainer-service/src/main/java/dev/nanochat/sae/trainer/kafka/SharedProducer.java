package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.trainer.runtime.InstanceId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** One idempotent producer for control notices and checkpoint events (thread-safe). */
@ApplicationScoped
public class SharedProducer {
    private final KafkaProducer<String, byte[]> producer;

    SharedProducer(KafkaClientProperties kafka, InstanceId instance) {
        this.producer = new KafkaProducer<>(kafka.producer("trainer-" + instance.value(), Map.of()));
    }

    public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        return producer.send(record);
    }

    /** Blocks until everything sent so far is acknowledged (before offsets move past it). */
    public void flush() {
        producer.flush();
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

package dev.nanochat.sae.support.kafka;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.core.records.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes rejected records to {@link Topics#DLQ} ({@link TopicNames#dlq()}) and returns only after the broker acknowledged
 * them (acks=all, idempotent), so a caller that then commits the source offset never loses a record:
 * either the letter is durable or {@link #send} throws {@link DeadLetterException} and the caller
 * must not move past the record. The value is the original bytes; where it came from and why are in
 * the {@link DeadLetters} headers. The producer is created on first use, so services that never
 * dead-letter never connect.
 */
@ApplicationScoped
public class DeadLetterPublisher {
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final KafkaClientProperties kafka;
    private final TopicNames topics;
    private final MeterRegistry meters;
    private final String clientId;
    private final Duration ackTimeout;
    private KafkaProducer<String, byte[]> producer;

    DeadLetterPublisher(
            KafkaClientProperties kafka,
            TopicNames topics,
            MeterRegistry meters,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "sae") String application,
            @ConfigProperty(name = "sae.dlq.ack-timeout", defaultValue = "30s") Duration ackTimeout) {
        this.kafka = kafka;
        this.topics = topics;
        this.meters = meters;
        this.clientId = application + "-dlq";
        this.ackTimeout = ackTimeout;
    }

    /** Sends {@code letter} keyed by {@code key} (may be null) and waits for the broker's ack. */
    public RecordMetadata send(DeadLetter letter, String key) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topics.dlq(), key, letter.value());
        DeadLetters.headers(letter).forEach((k, v) -> out.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        String where = letter.sourceTopic() + "-" + letter.partition() + "@" + letter.offset();
        try {
            RecordMetadata acked = producer().send(out).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            meters.counter("sae.dead.letters", "source", sourceKind(letter.sourceTopic()))
                    .increment();
            LOG.warnf("dead-lettered %s: %s", where, letter.reason());
            return acked;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("interrupted while dead-lettering " + where, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new DeadLetterException(
                    "dead letter for " + where + " not acknowledged within " + ackTimeout + ": " + cause, cause);
        }
    }

    /** Dead-letters a consumed record whose value failed validation, with the validation's reason. */
    public RecordMetadata malformed(ConsumerRecord<String, byte[]> record, InvalidRecordException why) {
        return send(
                DeadLetter.of(record.topic(), record.partition(), record.offset(), why, record.value()), record.key());
    }

    /** Dead-letters a consumed record that was valid but could not be handled, with {@code reason}. */
    public RecordMetadata failed(ConsumerRecord<String, byte[]> record, String reason) {
        return send(
                new DeadLetter(record.topic(), record.partition(), record.offset(), reason, record.value()),
                record.key());
    }

    // Tag by kind, not by topic: activation topics are one per (model, hook) and would explode the series.
    private static String sourceKind(String topic) {
        return Topics.isActivations(topic) ? "activations" : topic;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            // The send must fail within the ack timeout rather than block on a missing broker.
            long ms = ackTimeout.toMillis();
            producer = new KafkaProducer<>(kafka.producer(
                    clientId,
                    Map.of(
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms),
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(ms, 1_000)),
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(ms, 1_000)),
                            ProducerConfig.LINGER_MS_CONFIG, "0")));
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}

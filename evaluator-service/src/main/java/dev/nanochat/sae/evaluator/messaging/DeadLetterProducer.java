package dev.nanochat.sae.evaluator.messaging;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.core.records.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes rejected records to {@code sae.dlq} and waits for the broker's ack, so nothing is lost. */
@ApplicationScoped
public class DeadLetterProducer {
    private static final Logger LOG = Logger.getLogger(DeadLetterProducer.class);

    @Inject @Channel("dlq") Emitter<byte[]> emitter;
    @Inject MeterRegistry registry;

    public void send(DeadLetter letter, String key) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.headers(letter).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> msg = Message.of(letter.value() == null ? new byte[0] : letter.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(t -> {
                    acked.completeExceptionally(t);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(msg);
        try {
            acked.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("dead letter for " + letter.sourceTopic() + "@" + letter.offset()
                    + " not acknowledged: " + e.getMessage(), e);
        }
        registry.counter("sae.evaluator.dead.letters", "topic", letter.sourceTopic().startsWith("sae.activations.")
                ? "activations" : "checkpoints").increment();
        LOG.warnf("dead-lettered %s-%d@%d: %s", letter.sourceTopic(), letter.partition(), letter.offset(), letter.reason());
    }
}

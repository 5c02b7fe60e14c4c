package dev.nanochat.sae.viz.messaging;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.core.records.DeadLetters;
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

/** Publishes rejected checkpoint events to {@code sae.dlq} with the reason, waiting for the broker's ack. */
@ApplicationScoped
public class DeadLetterProducer {
  private static final Logger LOG = Logger.getLogger(DeadLetterProducer.class);

  @Inject @Channel("dlq") Emitter<byte[]> emitter;

  public void send(DeadLetter letter, String key) {
    RecordHeaders headers = new RecordHeaders();
    DeadLetters.headers(letter).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    CompletableFuture<Void> acked = new CompletableFuture<>();
    emitter.send(Message.of(letter.value() == null ? new byte[0] : letter.value())
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build())
        .withAck(() -> {
          acked.complete(null);
          return CompletableFuture.completedFuture(null);
        })
        .withNack(t -> {
          acked.completeExceptionally(t);
          return CompletableFuture.completedFuture(null);
        }));
    try {
      acked.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("dead letter for " + letter.sourceTopic() + "@" + letter.offset()
          + " not acknowledged: " + e.getMessage(), e);
    }
    LOG.warnf("dead-lettered %s-%d@%d: %s", letter.sourceTopic(), letter.partition(), letter.offset(), letter.reason());
  }
}

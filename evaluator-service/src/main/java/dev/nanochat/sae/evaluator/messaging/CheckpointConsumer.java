package dev.nanochat.sae.evaluator.messaging;

import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.evaluator.rest.EvaluationViews;
import dev.nanochat.sae.evaluator.service.CheckpointEvaluator;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sae.checkpoints}: a malformed event goes to the DLQ; a well-formed one becomes exactly
 * one evaluation (ok or failed), which is published. Nothing escapes, so the channel never stops.
 */
@ApplicationScoped
public class CheckpointConsumer {
    private static final Logger LOG = Logger.getLogger(CheckpointConsumer.class);

    private final CheckpointEvaluator evaluator;
    private final EvaluationProducer evaluations;
    private final EvaluationViews views;
    private final DeadLetterPublisher deadLetters;

    CheckpointConsumer(
            CheckpointEvaluator evaluator,
            EvaluationProducer evaluations,
            EvaluationViews views,
            DeadLetterPublisher deadLetters) {
        this.evaluator = evaluator;
        this.evaluations = evaluations;
        this.views = views;
        this.deadLetters = deadLetters;
    }

    @Incoming("checkpoints")
    @Blocking // ordered: records of a partition are processed one at a time, in order
    public void consume(ConsumerRecord<String, byte[]> record) {
        CheckpointEvent event;
        try {
            event = CheckpointEvents.fromCloudEventJson(record.value());
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
            return;
        }
        try {
            evaluator.evaluate(event).ifPresent(ev -> evaluations.publish(views.of(ev)));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // e.g. the database is down: keep the record, with the reason, rather than lose it or stop
            LOG.errorf(e, "checkpoint %s could not be evaluated", event.id());
            deadLetters.failed(record, "evaluator error: " + e.getMessage());
        }
    }
}

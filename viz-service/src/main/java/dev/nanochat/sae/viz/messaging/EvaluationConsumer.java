package dev.nanochat.sae.viz.messaging;

import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import dev.nanochat.sae.viz.service.Evaluations;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code sae.evaluations}: malformed events and storage errors are dead-lettered, never fatal. */
@ApplicationScoped
public class EvaluationConsumer {
    private static final Logger LOG = Logger.getLogger(EvaluationConsumer.class);

    @Inject
    Evaluations evaluations;

    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("evaluations")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        Evaluations.Received received;
        try {
            received = evaluations.parse(record.value());
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
            return;
        }
        try {
            evaluations.record(received);
        } catch (RuntimeException e) {
            LOG.errorf(e, "evaluation %s:%d could not be stored", received.runId(), received.step());
            deadLetters.failed(record, "viz error: " + e.getMessage());
        }
    }
}

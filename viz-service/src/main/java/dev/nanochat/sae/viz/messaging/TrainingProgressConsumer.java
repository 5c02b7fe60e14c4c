package dev.nanochat.sae.viz.messaging;

import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.core.records.TrainingProgressJson;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import dev.nanochat.sae.viz.service.RunCurves;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sae.training-progress}: each record becomes (or joins) its run's curve point at that
 * step. On its own channel, so per-step points keep flowing while the checkpoint channel analyses.
 * Malformed records and storage errors are dead-lettered, never fatal.
 */
@ApplicationScoped
public class TrainingProgressConsumer {
    private static final Logger LOG = Logger.getLogger(TrainingProgressConsumer.class);

    @Inject
    RunCurves curves;

    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("progress")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        TrainingProgress progress;
        try {
            progress = TrainingProgressJson.fromBytes(record.value());
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
            return;
        }
        try {
            curves.record(progress);
        } catch (Exception e) {
            LOG.errorf(e, "training progress %s:%d could not be stored", progress.runId(), progress.step());
            deadLetters.failed(record, "viz error: " + e.getMessage());
        }
    }
}

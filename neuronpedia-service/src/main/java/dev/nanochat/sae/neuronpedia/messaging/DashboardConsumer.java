package dev.nanochat.sae.neuronpedia.messaging;

import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.neuronpedia.service.ExportRequest;
import dev.nanochat.sae.neuronpedia.service.ExportService;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import dev.nanochat.sae.support.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sae.dashboards}: each event queues the package of its checkpoint (a redelivered
 * event finds the existing export). A malformed event, or one whose ids break Neuronpedia's rules, is
 * dead-lettered with the reason; nothing escapes, so the channel never stops.
 */
@ApplicationScoped
public class DashboardConsumer {
    private static final Logger LOG = Logger.getLogger(DashboardConsumer.class);

    @Inject
    ExportService exports;

    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("dashboards")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        try {
            ExportRequest r = DashboardEvent.parse(record.value());
            exports.request(r);
            LOG.infof("dashboards of %s/%s (%s): export queued", r.modelId(), r.sourceId(), r.checkpointId());
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
        } catch (ProblemException | IllegalArgumentException e) {
            deadLetters.failed(record, "cannot package: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "dashboards event at %s-%d@%d could not be handled",
                    record.topic(),
                    record.partition(),
                    record.offset());
            deadLetters.failed(record, "neuronpedia error: " + e.getMessage());
        }
    }
}

package dev.nanochat.sae.viz.messaging;

import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.service.CheckpointAnalyzer;
import dev.nanochat.sae.viz.service.RunCurves;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sae.checkpoints}: a malformed event is dead-lettered; a good one adds a point to its
 * run's curves and, when wanted (final, or every Nth), becomes one analysis job whose completion is
 * announced on {@code sae.dashboards}. Nothing escapes, so the channel never stops.
 */
@ApplicationScoped
public class CheckpointConsumer {
    private static final Logger LOG = Logger.getLogger(CheckpointConsumer.class);

    @Inject
    CheckpointAnalyzer analyzer;

    @Inject
    RunCurves curves;

    @Inject
    DashboardProducer dashboards;

    @Inject
    DeadLetterPublisher deadLetters;

    @Inject
    FeatureRepository features;

    @Incoming("checkpoints")
    @Blocking // one analysis at a time, in order
    public void consume(ConsumerRecord<String, byte[]> record) {
        CheckpointEvent event;
        try {
            event = CheckpointEvents.fromCloudEventJson(record.value());
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
            return;
        }
        try {
            curves.record(event);
            var done = analyzer.analyse(event);
            if (done.isPresent() && Dashboard.DONE.equals(done.get().status)) {
                long n = QuarkusTransaction.requiringNew().call(() -> features.countOf(done.get().id));
                dashboards.publish(done.get(), n);
            }
        } catch (Exception e) {
            LOG.errorf(e, "checkpoint %s could not be handled", event.id());
            deadLetters.failed(record, "viz error: " + e.getMessage());
        }
    }
}

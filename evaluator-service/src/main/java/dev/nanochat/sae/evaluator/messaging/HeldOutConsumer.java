package dev.nanochat.sae.evaluator.messaging;

import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.evaluator.service.HeldOutStore;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads every activation topic with the evaluator's own group and keeps the eval-split records (up to
 * the held-out budget); a malformed eval record goes to the DLQ and consumption goes on.
 */
@ApplicationScoped
public class HeldOutConsumer {
    private static final Logger LOG = Logger.getLogger(HeldOutConsumer.class);

    private final HeldOutStore store;
    private final DeadLetterPublisher deadLetters;
    private final MeterRegistry registry;

    HeldOutConsumer(HeldOutStore store, DeadLetterPublisher deadLetters, MeterRegistry registry) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @Incoming("held-out")
    @Blocking // ordered: records of a partition are processed one at a time, in order
    public void consume(ConsumerRecord<String, byte[]> record) {
        Header split = record.headers().lastHeader(ActivationBatchCodec.HEADER_SPLIT);
        String splitValue = split == null ? null : new String(split.value(), StandardCharsets.UTF_8);
        try {
            HeldOutStore.Outcome outcome =
                    store.offer(record.topic(), record.partition(), record.offset(), splitValue, record.value());
            registry.counter(
                            "sae.evaluator.held.out.records",
                            "outcome",
                            outcome.name().toLowerCase())
                    .increment();
        } catch (InvalidRecordException e) {
            deadLetters.malformed(record, e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOG.errorf(e, "held-out record %s-%d@%d not stored", record.topic(), record.partition(), record.offset());
            deadLetters.failed(record, "evaluator could not store held-out record: " + e.getMessage());
        }
    }
}

package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.support.kafka.DeadLetterPublisher;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.kafka.CheckpointPublisher;
import dev.nanochat.sae.trainer.kafka.ControlNotices;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.kafka.ProgressPublisher;
import dev.nanochat.sae.trainer.kafka.SharedProducer;
import dev.nanochat.sae.trainer.persistence.RunStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The beans a run's thread needs, bundled so runners stay plain objects (a singleton: no proxy, fields readable). */
@Singleton
public class RunServices {
    final RunStore store;
    final SharedProducer producer;
    final ControlNotices notices;
    final DeadLetterPublisher deadLetters;
    final CheckpointPublisher checkpoints;
    final ProgressPublisher progress;
    final KafkaClientProperties kafka;
    final TopicNames topics;
    final TrainerConfig config;
    final InstanceId instance;
    final MeterRegistry meters;

    RunServices(
            RunStore store,
            SharedProducer producer,
            ControlNotices notices,
            DeadLetterPublisher deadLetters,
            CheckpointPublisher checkpoints,
            ProgressPublisher progress,
            KafkaClientProperties kafka,
            TopicNames topics,
            TrainerConfig config,
            InstanceId instance,
            MeterRegistry meters) {
        this.store = store;
        this.producer = producer;
        this.notices = notices;
        this.deadLetters = deadLetters;
        this.checkpoints = checkpoints;
        this.progress = progress;
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.instance = instance;
        this.meters = meters;
    }

    /** The consumer group a run reads its activation topic in (its lag is what trainers scale on). */
    public static String runGroup(String runId) {
        return "sae-run-" + runId;
    }

    /**
     * A consumer of the run's activation topic in its own group {@code sae-run-<id>}. Bad records are
     * dead-lettered with a confirmed send, so the offsets a later checkpoint commits never skip one.
     * Activation topics are the collector's: a run on a missing topic waits instead of creating it.
     */
    KafkaRecordSource openSource(
            String runId, String topic, int dIn, Map<String, String> position, long dlqBefore, long duplicatesBefore) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(
                runGroup(runId),
                "run-" + runId + "-" + instance.value(),
                Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false")));
        return new KafkaRecordSource(consumer, topic, dIn, position, dlqBefore, duplicatesBefore, (record, why) -> {
            deadLetters.send(
                    DeadLetter.of(record.topic(), record.partition(), record.offset(), why, record.value()),
                    record.key());
            meters.counter("trainer.dead.letters", "reason", why.reason().code())
                    .increment();
        });
    }
}

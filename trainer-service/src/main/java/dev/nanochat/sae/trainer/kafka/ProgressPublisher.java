package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.core.records.TrainingProgressJson;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.runtime.InstanceId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes training-progress records (key: run id) on {@code sae.training-progress}, fire and forget.
 * The training thread only enqueues: {@code KafkaProducer.send} itself can block for up to max.block.ms
 * when the broker is away (no topic metadata yet, or a full buffer), so one daemon thread hands records to
 * the producer's async send. The queue is bounded; when it is full (the broker has been away for a while)
 * records are dropped. Drops and failed sends are counted ({@code trainer.progress.failures}) and logged,
 * never thrown into training: a lost record is one missing point on a chart.
 *
 * <p>Its own producer, built like {@link SharedProducer} from {@code kafka.*}: the checkpoint path flushes
 * the shared one on the training thread, and during a broker outage that flush would wait out every
 * pending progress record. Not idempotent and acks=1: a duplicate or lost point is harmless.
 */
@ApplicationScoped
public class ProgressPublisher {
    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);
    private static final int QUEUE = 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Counter sent;
    private final Counter failures;
    private final AtomicLong failedInARow = new AtomicLong();
    private final ThreadPoolExecutor sender =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "progress-sender");
                t.setDaemon(true);
                return t;
            });

    ProgressPublisher(KafkaClientProperties kafka, TopicNames topics, InstanceId instance, MeterRegistry meters) {
        this.producer = new KafkaProducer<>(kafka.producer(
                "trainer-progress-" + instance.value(),
                Map.of(
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                        ProducerConfig.ACKS_CONFIG, "1",
                        ProducerConfig.LINGER_MS_CONFIG, "20",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000")));
        this.topic = topics.trainingProgress();
        this.sent = meters.counter("trainer.progress.sent");
        this.failures = meters.counter("trainer.progress.failures");
    }

    /** Never blocks and never throws; {@code timestampMs}: when the step was reported (the record's timestamp). */
    public void publish(TrainingProgress p, long timestampMs) {
        try {
            sender.execute(() -> send(p, timestampMs));
        } catch (RejectedExecutionException e) {
            failed(p, "queue full (" + QUEUE + " records waiting for the broker)");
        }
    }

    private void send(TrainingProgress p, long timestampMs) {
        try {
            producer.send(
                    new ProducerRecord<>(topic, null, timestampMs, p.runId(), TrainingProgressJson.toBytes(p)),
                    (meta, error) -> {
                        if (error == null) {
                            sent.increment();
                            failedInARow.set(0);
                        } else {
                            failed(p, error.toString());
                        }
                    });
        } catch (RuntimeException e) {
            failed(p, e.toString());
        }
    }

    /** The first failure after a success is a warning; the rest of an outage only counts. */
    private void failed(TrainingProgress p, String why) {
        failures.increment();
        if (failedInARow.getAndIncrement() == 0) {
            LOG.warnf(
                    "training progress of run %s step %d not sent (%s); further failures are counted only",
                    p.runId(), p.step(), why);
        } else {
            LOG.debugf("training progress of run %s step %d not sent (%s)", p.runId(), p.step(), why);
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(5));
    }
}

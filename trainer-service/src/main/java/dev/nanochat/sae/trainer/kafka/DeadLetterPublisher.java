package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.trainer.runtime.TrainerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Sends unusable activation records to the dead-letter topic, value unchanged, with where they came
 * from and why in headers. Asynchronous; {@link SharedProducer#flush()} before a checkpoint makes
 * them durable before offsets move past them (a crash in between re-sends: at-least-once DLQ).
 */
@ApplicationScoped
public class DeadLetterPublisher implements DeadLetterSink {
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final SharedProducer producer;
    private final String topic;
    private final MeterRegistry meters;

    DeadLetterPublisher(SharedProducer producer, TrainerConfig config, MeterRegistry meters) {
        this.producer = producer;
        this.topic = config.dlqTopic();
        this.meters = meters;
    }

    @Override
    public void publish(ConsumerRecord<String, byte[]> source, InvalidRecordException why) {
        DeadLetter letter = DeadLetter.of(source.topic(), source.partition(), source.offset(), why, source.value());
        LOG.warnf("dead-lettering %s-%d@%d: %s", source.topic(), source.partition(), source.offset(), letter.reason());
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, source.key(), source.value());
        DeadLetters.headers(letter).forEach((k, v) -> out.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(out);
        meters.counter("trainer.dead.letters", "topic", source.topic(), "reason", why.reason().code()).increment();
    }
}

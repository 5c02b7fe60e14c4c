package dev.nanochat.sae.viz.service;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Streams the eval split of a (model, hook) activation topic into an analysis: every partition read from
 * the beginning to the end offsets seen at the start (no consumer group, nothing committed), stopping at a
 * token budget. Train-split records are skipped by header before decoding.
 */
public final class EvalRecordReader {
    private static final Logger LOG = Logger.getLogger(EvalRecordReader.class);

    /** What a read saw. */
    public record Stats(long records, long tokens, long skippedInvalid) {}

    private EvalRecordReader() {}

    public static Stats read(
            KafkaClientProperties kafka,
            String modelId,
            String hook,
            int dIn,
            String collection,
            long maxTokens,
            Duration timeout,
            Consumer<ActivationBatch> sink) {
        String topic = Topics.activations(modelId, hook);
        // No group: partitions are assigned by hand and nothing is committed.
        Properties p = kafka.consumer(
                "unused",
                "sae-viz-reader",
                Map.of(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20),
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20)));
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long records = 0, tokens = 0, invalid = 0;
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("activation topic " + topic + " does not exist");
            }
            List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tokens < maxTokens && !done(consumer, end)) {
                var polled = consumer.poll(Duration.ofMillis(500));
                if (polled.isEmpty() && System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " timed out after " + timeout + " at " + records + " records");
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (tokens >= maxTokens) break;
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) continue;
                    var split = r.headers().lastHeader(ActivationBatchCodec.HEADER_SPLIT);
                    if (split != null
                            && !Split.EVAL.wire().equalsIgnoreCase(new String(split.value(), StandardCharsets.UTF_8))) {
                        continue;
                    }
                    ActivationBatch b;
                    try {
                        b = ActivationBatchCodec.decode(r.value(), dIn);
                    } catch (InvalidRecordException e) {
                        invalid++; // the collector's consumers dead-letter these; an analysis just reads past them
                        continue;
                    }
                    if (b.split() != Split.EVAL || (!collection.isEmpty() && !collection.equals(b.collectionId())))
                        continue;
                    sink.accept(b);
                    records++;
                    tokens += b.rows();
                }
            }
        }
        LOG.infof("read %d eval records (%d tokens, %d invalid) from %s", records, tokens, invalid, topic);
        return new Stats(records, tokens, invalid);
    }

    private static boolean done(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }
}

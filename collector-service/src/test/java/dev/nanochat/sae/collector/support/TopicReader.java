package dev.nanochat.sae.collector.support;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads back every record a collection wrote to a topic (all partitions, from the start), decoded. */
public final class TopicReader {
    public static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092");

    /** A decoded record with its raw value and Kafka headers. */
    public record Received(
            ActivationBatch batch, byte[] value, Map<String, String> headers, int partition, long offset) {}

    private TopicReader() {}

    public static List<Received> read(String topic, String collectionId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "collector-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        List<Received> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!done(c, parts, end) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                    }
                    if (collectionId.equals(headers.get(ActivationBatchCodec.HEADER_COLLECTION))) {
                        out.add(new Received(
                                ActivationBatchCodec.decode(r.value()), r.value(), headers, r.partition(), r.offset()));
                    }
                }
            }
        }
        return out;
    }

    /** A consumer for {@link #appended}; the caller closes it. */
    public static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Records appended to all partitions of a topic so far (sum of end offsets; 0 while it does not exist). */
    public static long appended(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo info : c.listTopics(Duration.ofSeconds(10)).getOrDefault(topic, List.of())) {
            parts.add(new TopicPartition(topic, info.partition()));
        }
        return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
    }

    private static boolean done(KafkaConsumer<?, ?> c, List<TopicPartition> parts, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) {
            if (c.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}

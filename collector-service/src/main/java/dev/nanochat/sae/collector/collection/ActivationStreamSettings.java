package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How a collector writes activation topics: the producer's dials and the settings of the topics it
 * creates, on top of the shared client properties ({@link KafkaClientProperties}: bootstrap servers,
 * security, idempotent acks=all).
 *
 * <p>{@code bufferMemoryBytes} bounds the data the producer may hold unacknowledged; when the broker is
 * slow or down, {@code send} blocks for at most {@code maxBlockMs} and the runner retries, so memory
 * stays flat. {@code maxRecordBytes} stays under the broker's default {@code message.max.bytes}
 * (1 MiB) unless raised together with the topic's {@code max.message.bytes}, which we set on creation.
 */
public record ActivationStreamSettings(
        KafkaClientProperties clients,
        String compression,
        long bufferMemoryBytes,
        long maxBlockMs,
        int lingerMs,
        int batchSizeBytes,
        int deliveryTimeoutMs,
        int maxRecordBytes,
        int partitions,
        short replicationFactor,
        long retentionMs) {

    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    public ActivationStreamSettings {
        compression = compression.toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("compression must be one of " + COMPRESSIONS + ", got " + compression);
        }
        if (maxRecordBytes < 64 * 1024) {
            throw new IllegalArgumentException("max record bytes must be >= 65536, got " + maxRecordBytes);
        }
        if (bufferMemoryBytes < 2L * maxRecordBytes) {
            throw new IllegalArgumentException("producer buffer memory (" + bufferMemoryBytes
                    + ") must hold at least two records of " + maxRecordBytes + " bytes");
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException(
                    "partitions and replication factor must be >= 1, got " + partitions + " and " + replicationFactor);
        }
    }

    public String bootstrapServers() {
        return clients.bootstrapServers();
    }

    public ActivationStreamSettings withCompression(String codec) {
        return new ActivationStreamSettings(
                clients,
                codec,
                bufferMemoryBytes,
                maxBlockMs,
                lingerMs,
                batchSizeBytes,
                deliveryTimeoutMs,
                maxRecordBytes,
                partitions,
                replicationFactor,
                retentionMs);
    }

    /** Same dials against other brokers (tests: an unreachable one); only bootstrap.servers is kept. */
    public ActivationStreamSettings withBootstrap(String servers) {
        return new ActivationStreamSettings(
                new KafkaClientProperties(Map.of("bootstrap.servers", servers)),
                compression,
                bufferMemoryBytes,
                maxBlockMs,
                lingerMs,
                batchSizeBytes,
                deliveryTimeoutMs,
                maxRecordBytes,
                partitions,
                replicationFactor,
                retentionMs);
    }

    public Properties producerProperties(String clientId) {
        return clients.producer(
                clientId,
                Map.ofEntries(
                        Map.entry(
                                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                                5), // pipelined (idempotent, ordered retries); a request stuck by
                        // KAFKA-15591 on a just-created partition fails its delivery, the runner rewinds
                        // and the trainer drops the replayed sequences (ReplayFilter)
                        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression),
                        Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemoryBytes),
                        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs),
                        Map.entry(ProducerConfig.LINGER_MS_CONFIG, lingerMs),
                        Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, batchSizeBytes),
                        Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs),
                        Map.entry(
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                Math.min(30_000, deliveryTimeoutMs - lingerMs)),
                        Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes),
                        // Keys are the record's sequence bytes, not strings.
                        Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName())));
    }

    public Properties adminProperties(String clientId) {
        return clients.admin(
                clientId,
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000));
    }
}

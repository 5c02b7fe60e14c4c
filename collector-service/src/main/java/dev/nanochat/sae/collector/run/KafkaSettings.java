package dev.nanochat.sae.collector.run;

import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer and topic settings of a collector.
 *
 * <p>The producer is idempotent with acks=all, so retries never duplicate or reorder within a run.
 * {@code bufferMemoryBytes} bounds the data the producer may hold unacknowledged; when the broker is
 * slow or down, {@code send} blocks for at most {@code maxBlockMs} and the runner retries, so memory
 * stays flat. {@code maxRecordBytes} stays under the broker's default {@code message.max.bytes}
 * (1 MiB) unless raised together with the topic's {@code max.message.bytes}, which we set on creation.
 */
public record KafkaSettings(String bootstrapServers, String compression, long bufferMemoryBytes, long maxBlockMs,
        int lingerMs, int batchSizeBytes, int deliveryTimeoutMs, int maxRecordBytes, int partitions,
        short replicationFactor, long retentionMs) {

    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    public KafkaSettings {
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
            throw new IllegalArgumentException("partitions and replication factor must be >= 1, got "
                    + partitions + " and " + replicationFactor);
        }
    }

    public KafkaSettings withCompression(String codec) {
        return new KafkaSettings(bootstrapServers, codec, bufferMemoryBytes, maxBlockMs, lingerMs, batchSizeBytes,
                deliveryTimeoutMs, maxRecordBytes, partitions, replicationFactor, retentionMs);
    }

    public KafkaSettings withBootstrap(String servers) {
        return new KafkaSettings(servers, compression, bufferMemoryBytes, maxBlockMs, lingerMs, batchSizeBytes,
                deliveryTimeoutMs, maxRecordBytes, partitions, replicationFactor, retentionMs);
    }

    public Properties producerProperties(String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // the idempotent maximum: ordered retries
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemoryBytes);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSizeBytes);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, deliveryTimeoutMs - lingerMs));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    public Properties adminProperties(String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000);
        return p;
    }
}

package dev.nanochat.sae.collector.config;

import dev.nanochat.sae.collector.run.KafkaSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Turns the flat {@code sae.collector.producer/topics.*} config into the domain's {@link KafkaSettings}. */
public class KafkaSettingsFactory {
    @Produces
    @Singleton
    KafkaSettings kafkaSettings(CollectorConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        CollectorConfig.Producer p = config.producer();
        CollectorConfig.Topics t = config.topics();
        return new KafkaSettings(bootstrapServers, p.compression(), p.bufferMemory(), p.maxBlock().toMillis(),
                p.lingerMs(), p.batchSize(), (int) p.deliveryTimeout().toMillis(), p.maxRecordBytes(), t.partitions(),
                t.replicationFactor(), t.retention().toMillis());
    }
}

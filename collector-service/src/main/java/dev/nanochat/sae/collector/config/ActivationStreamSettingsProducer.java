package dev.nanochat.sae.collector.config;

import dev.nanochat.sae.collector.collection.ActivationStreamSettings;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Turns the flat {@code sae.collector.producer/topics.*} config into {@link ActivationStreamSettings}. */
public class ActivationStreamSettingsProducer {
    @Produces
    @Singleton
    ActivationStreamSettings activationStreamSettings(CollectorConfig config, KafkaClientProperties clients) {
        CollectorConfig.Producer p = config.producer();
        CollectorConfig.Topics t = config.topics();
        return new ActivationStreamSettings(
                clients,
                p.compression(),
                p.bufferMemory(),
                p.maxBlock().toMillis(),
                p.lingerMs(),
                p.batchSize(),
                (int) p.deliveryTimeout().toMillis(),
                p.maxRecordBytes(),
                t.partitions(),
                t.replicationFactor(),
                t.retention().toMillis());
    }
}

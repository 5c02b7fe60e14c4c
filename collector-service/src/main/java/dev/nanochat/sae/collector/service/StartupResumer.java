package dev.nanochat.sae.collector.service;

import dev.nanochat.sae.collector.collection.ActivationStreamSettings;
import dev.nanochat.sae.collector.config.CollectorConfig;
import dev.nanochat.sae.collector.store.CollectionEntity;
import dev.nanochat.sae.collector.store.CollectionRepository;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** At start-up: says how the collector is wired, then resumes collections a previous process left unfinished. */
@ApplicationScoped
public class StartupResumer {
    private static final Logger LOG = Logger.getLogger(StartupResumer.class);

    private final CollectorConfig config;
    private final ActivationStreamSettings kafka;
    private final CollectionRepository repository;
    private final CollectionManager manager;

    StartupResumer(
            CollectorConfig config,
            ActivationStreamSettings kafka,
            CollectionRepository repository,
            CollectionManager manager) {
        this.config = config;
        this.kafka = kafka;
        this.repository = repository;
        this.manager = manager;
    }

    void onStart(@Observes StartupEvent ev) {
        LOG.infof(
                "collector: model roots %s, data roots %s, Kafka %s (compression %s, %d partitions), "
                        + "%d sequences per forward on CPU",
                config.modelRoots(),
                config.dataRoots(),
                kafka.bootstrapServers(),
                kafka.compression(),
                kafka.partitions(),
                config.batchSequences());
        if (!config.resumeOnStart()) {
            return;
        }
        for (CollectionEntity e : repository.unfinished()) {
            LOG.infof(
                    "resuming collection %s (%s) at corpus %s + %d tokens, sequence %d",
                    e.id, e.status, e.positionCorpus, e.positionTokenOffset, e.nextSequence);
            manager.resume(e);
        }
    }
}

package dev.nanochat.sae.collector.service;

import dev.nanochat.sae.collector.collection.ActivationStreamSettings;
import dev.nanochat.sae.collector.collection.AllowedRoots;
import dev.nanochat.sae.collector.collection.CollectionJob;
import dev.nanochat.sae.collector.collection.CollectionPlanner;
import dev.nanochat.sae.collector.collection.CollectionPosition;
import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.collection.CollectionRunner;
import dev.nanochat.sae.collector.collection.RequestRejectedException;
import dev.nanochat.sae.collector.config.CollectorConfig;
import dev.nanochat.sae.collector.store.CollectionEntity;
import dev.nanochat.sae.collector.store.CollectionRepository;
import dev.nanochat.sae.collector.store.ProgressMetrics;
import dev.nanochat.sae.collector.store.ProgressRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Plans, starts, cancels and resumes collections; runners live in a {@link RunnerPool}. */
@ApplicationScoped
public class CollectionManager {
    private final CollectorConfig config;
    private final ActivationStreamSettings kafka;
    private final CollectionRepository store;
    private final MeterRegistry registry;

    CollectionManager(
            CollectorConfig config,
            ActivationStreamSettings kafka,
            CollectionRepository store,
            MeterRegistry registry) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
        this.registry = registry;
    }

    private final AtomicLong tokensPerSecond = new AtomicLong();
    private RunnerPool runners;
    private CollectionPlanner planner;

    @PostConstruct
    void init() {
        runners = new RunnerPool(config.maxConcurrent());
        planner = new CollectionPlanner(
                new AllowedRoots("model", config.modelRoots()),
                new AllowedRoots("data", config.dataRoots()),
                config.batchSequences(),
                kafka.maxRecordBytes());
        registry.gauge("sae.collector.tokens.per.second", tokensPerSecond);
    }

    void stop(@Observes ShutdownEvent ev) {
        runners.shutdown(10); // no terminal status: unfinished collections resume on the next start
    }

    /** Validates and queues a new collection; throws {@link RequestRejectedException} for bad requests. */
    public String submit(CollectionRequest request) {
        String id = UUID.randomUUID().toString();
        CollectionJob job = planner.plan(id, request, CollectionPosition.START, Map.of());
        launch(store.create(id, request, job, CollectionRunner.topics(job)), job);
        return id;
    }

    /** Rebuilds an unfinished collection from its stored request and position and runs it again. */
    public void resume(CollectionEntity e) {
        try {
            launch(e, planner.plan(e.id, e.request, e.position(), e.offsets));
        } catch (RuntimeException ex) {
            store.fail(e.id, "cannot resume: " + ex.getMessage());
        }
    }

    /** Cancels a collection; empty if unknown, false if it had already finished. */
    public Optional<Boolean> cancel(String id) {
        return runners.cancel(id) ? Optional.of(true) : store.cancelIdle(id);
    }

    /** Stops a runner without a terminal status, as a process kill would (tests use it to simulate one). */
    public void stopRunner(String id) {
        runners.stop(id);
    }

    public boolean active(String id) {
        return runners.active(id);
    }

    private void launch(CollectionEntity e, CollectionJob job) {
        var metrics = new ProgressMetrics(registry, e.modelId, e.tokens, tokensPerSecond);
        runners.launch(e.id, new CollectionRunner(job, kafka, new ProgressRecorder(e, metrics)));
    }
}

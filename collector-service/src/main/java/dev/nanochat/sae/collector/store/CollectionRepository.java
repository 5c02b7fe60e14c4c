package dev.nanochat.sae.collector.store;

import dev.nanochat.sae.collector.collection.CollectionJob;
import dev.nanochat.sae.collector.collection.CollectionPosition;
import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Collections in PostgreSQL (schema {@code collector}); each method is its own transaction. */
@ApplicationScoped
public class CollectionRepository implements PanacheRepositoryBase<CollectionEntity, String> {

    @Transactional
    public CollectionEntity create(String id, CollectionRequest request, CollectionJob job, List<String> topics) {
        CollectionEntity e = new CollectionEntity();
        e.id = id;
        e.request = request;
        e.status = CollectionStatus.QUEUED;
        e.modelId = job.modelId();
        e.topics = topics;
        e.maxTokens = job.maxTokens();
        e.corpusBytes = job.corpus().files().stream()
                .mapToLong(CollectionRepository::size)
                .sum();
        e.position(CollectionPosition.START);
        e.offsets = Map.of();
        e.createdAt = Instant.now();
        e.updatedAt = e.createdAt;
        persist(e);
        return e;
    }

    @Transactional
    public List<CollectionEntity> newestFirst() {
        return list("order by createdAt desc");
    }

    @Transactional
    public Optional<CollectionEntity> byId(String id) {
        return findByIdOptional(id);
    }

    @Transactional
    public List<CollectionEntity> unfinished() {
        return list(
                "status in ?1 order by createdAt",
                List.of(CollectionStatus.QUEUED, CollectionStatus.WAITING_FOR_KAFKA, CollectionStatus.RUNNING));
    }

    @Transactional
    public void fail(String id, String message) {
        CollectionEntity e = findById(id);
        e.status = CollectionStatus.FAILED;
        e.statusMessage = message;
        e.finishedAt = Instant.now();
        e.updatedAt = e.finishedAt;
    }

    /** Cancels a collection no runner is working on; empty if unknown, false if already finished. */
    @Transactional
    public Optional<Boolean> cancelIdle(String id) {
        CollectionEntity e = findById(id);
        if (e == null) {
            return Optional.empty();
        }
        if (e.status.terminal()) {
            return Optional.of(false);
        }
        e.status = CollectionStatus.CANCELLED;
        e.statusMessage = "cancelled by request";
        e.finishedAt = Instant.now();
        e.updatedAt = e.finishedAt;
        return Optional.of(true);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException ex) {
            return 0;
        }
    }
}

package dev.nanochat.sae.neuronpedia.service;

import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.persistence.ExportJob;
import dev.nanochat.sae.support.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Accepts export requests (REST and sae.dashboards events), one row per checkpoint, and builds them one
 * at a time on a worker thread with {@link PackageBuilder}. Ids and paths are checked here, before a
 * row exists, so a bad request is a 400 and nothing else happens.
 */
@ApplicationScoped
public class ExportService {
    @Inject
    NeuronpediaConfig config;

    @Inject
    PackageBuilder builder;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "neuronpedia-export"));

    public ExportJob request(ExportRequest r) {
        validate(r);
        String checkpoint = r.checkpointId() == null || r.checkpointId().isBlank() ? r.path() : r.checkpointId();
        ExportJob job = QuarkusTransaction.requiringNew().call(() -> {
            ExportJob j = ExportJob.byCheckpoint(checkpoint).orElse(null);
            if (j != null) {
                // a waiting or failed export is retried (e.g. the dashboards have arrived since)
                if (!j.status.equals(ExportJob.WAITING) && !j.status.equals(ExportJob.FAILED)) return j;
            } else {
                j = new ExportJob();
                j.checkpointId = checkpoint;
            }
            j.runId = r.runId();
            j.step = r.step();
            j.modelId = r.modelId();
            j.sourceId = r.sourceId();
            j.hookName = r.hookName();
            j.saePath = r.path();
            j.status = ExportJob.QUEUED;
            j.reason = null;
            j.progress = 0;
            j.updatedAt = OffsetDateTime.now();
            j.persist();
            return j;
        });
        if (job.status.equals(ExportJob.QUEUED)) {
            long id = job.id;
            worker.submit(() -> builder.build(id));
        }
        return job;
    }

    void validate(ExportRequest r) {
        if (r.modelId() == null) throw ProblemException.badRequest("modelId", "modelId is required");
        try {
            NeuronpediaIds.modelId(r.modelId());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("modelId", e.getMessage());
        }
        try {
            NeuronpediaIds.layerOf(r.sourceId());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("sourceId", e.getMessage());
        }
        if (r.hookName() == null || r.hookName().isBlank())
            throw ProblemException.badRequest("hookName", "hookName is required");
        if (r.path() == null || r.path().isBlank())
            throw ProblemException.badRequest("path", "path (the SAE folder) is required");
        Path p = Path.of(r.path()).toAbsolutePath().normalize();
        List<Path> roots = config.checkpointRoots().stream()
                .map(x -> Path.of(x).toAbsolutePath().normalize())
                .toList();
        if (roots.stream().noneMatch(p::startsWith))
            throw ProblemException.badRequest("path", "SAE folder " + p + " is outside the checkpoint roots " + roots);
        if (!Files.isRegularFile(p.resolve("cfg.json")))
            throw ProblemException.badRequest("path", "SAE folder " + p + " has no cfg.json");
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}

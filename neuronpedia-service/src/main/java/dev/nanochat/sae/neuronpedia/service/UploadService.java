package dev.nanochat.sae.neuronpedia.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.neuronpedia.api.ApiKey;
import dev.nanochat.sae.neuronpedia.api.NeuronpediaClient;
import dev.nanochat.sae.neuronpedia.api.PackagedUpload;
import dev.nanochat.sae.neuronpedia.api.RetryPolicy;
import dev.nanochat.sae.neuronpedia.api.UploadPlan;
import dev.nanochat.sae.neuronpedia.api.UploadReport;
import dev.nanochat.sae.neuronpedia.api.Uploader;
import dev.nanochat.sae.neuronpedia.persistence.ExportJob;
import dev.nanochat.sae.neuronpedia.persistence.PgUploadProgress;
import dev.nanochat.sae.neuronpedia.persistence.UploadJob;
import dev.nanochat.sae.support.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Uploads READY packages. A dry run validates every payload of the plan and answers at once; a real
 * upload runs on a worker thread with its progress in PostgreSQL (upload_step, keyed by export and
 * site), so uploading the same export to the same site again — after a crash, or to retry a failure —
 * resumes and never re-sends a recorded batch. The key is read from NEURONPEDIA_API_KEY per upload.
 */
@ApplicationScoped
public class UploadService {
    private static final Logger LOG = Logger.getLogger(UploadService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    NeuronpediaConfig config;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "neuronpedia-upload"));

    public UploadJob start(long exportId, String baseUrlOrNull, boolean dryRun) {
        ExportJob export = ExportJob.<ExportJob>findByIdOptional(exportId)
                .orElseThrow(() -> new NoSuchElementException("export " + exportId + " does not exist"));
        if (!export.status.equals(ExportJob.READY))
            throw ProblemException.conflict("export " + exportId + " is " + export.status
                    + (export.reason == null ? "" : " (" + export.reason + ")")
                    + ": only a READY package is uploaded, never part of one");
        String baseUrl;
        try {
            baseUrl = NeuronpediaClient.normalise(
                    baseUrlOrNull == null || baseUrlOrNull.isBlank() ? config.uploadUrl() : baseUrlOrNull);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("baseUrl", e.getMessage());
        }
        UploadPlan.Limits limits =
                new UploadPlan.Limits(config.maxFeaturesPerBatch(), config.maxBodyBytes(), Integer.MAX_VALUE);
        UploadPlan plan = PackagedUpload.plan(Path.of(export.packageDir), limits);
        ApiKey key = null;
        if (!dryRun) {
            try {
                key = ApiKey.fromEnvironment();
            } catch (IllegalStateException e) {
                throw ProblemException.unavailable(e.getMessage());
            }
        }
        UploadJob job = QuarkusTransaction.requiringNew().call(() -> {
            UploadJob j = new UploadJob();
            j.exportId = exportId;
            j.baseUrl = baseUrl;
            j.dryRun = dryRun;
            j.status = UploadJob.RUNNING;
            j.requestsTotal = plan.all().size();
            j.persist();
            return j;
        });
        long id = job.id;
        if (dryRun) {
            UploadReport r = Uploader.dryRun(plan, config.maxBodyBytes());
            return finish(
                    id,
                    r,
                    r.ok()
                            ? null
                            : r.problems().size() + " problem(s); first: "
                                    + r.problems().get(0));
        }
        ApiKey k = key;
        worker.submit(() -> run(id, exportId, baseUrl, k, plan));
        return job;
    }

    void run(long id, long exportId, String baseUrl, ApiKey key, UploadPlan plan) {
        RetryPolicy retry = new RetryPolicy(
                config.retry().maxAttempts(),
                config.retry().baseDelay(),
                config.retry().maxDelay(),
                1,
                RetryPolicy.Sleeper.REAL);
        Uploader uploader = new Uploader(
                new NeuronpediaClient(baseUrl, key, retry),
                new PgUploadProgress(exportId + "@" + baseUrl),
                config.maxBodyBytes(),
                (r, done, total) -> update(id, j -> j.requestsDone = done));
        try {
            finish(id, uploader.upload(plan), null);
        } catch (RuntimeException e) {
            LOG.errorf("upload %d of export %d to %s failed: %s", id, exportId, baseUrl, e.getMessage());
            update(id, j -> {
                j.status = UploadJob.FAILED;
                j.reason = e.getMessage();
            });
        }
    }

    private UploadJob finish(long id, UploadReport r, String failure) {
        return update(id, j -> {
            j.status = failure == null ? UploadJob.DONE : UploadJob.FAILED;
            j.reason = failure;
            j.requestsDone = r.dryRun() ? 0 : r.sent() + r.alreadyDone();
            try {
                j.report = JSON.writeValueAsString(r);
            } catch (Exception e) {
                j.report = null;
            }
        });
    }

    private static UploadJob update(long id, Consumer<UploadJob> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            UploadJob j = UploadJob.findById(id);
            change.accept(j);
            j.updatedAt = OffsetDateTime.now();
            return j;
        });
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}

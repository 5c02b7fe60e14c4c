package dev.nanochat.sae.neuronpedia.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import dev.nanochat.sae.neuronpedia.api.DashboardReader;
import dev.nanochat.sae.neuronpedia.api.NeuronpediaClient;
import dev.nanochat.sae.neuronpedia.api.NoDashboardsException;
import dev.nanochat.sae.neuronpedia.api.RetryPolicy;
import dev.nanochat.sae.neuronpedia.export.NeuronpediaPackage;
import dev.nanochat.sae.neuronpedia.export.PackageRequest;
import dev.nanochat.sae.neuronpedia.export.PackageSpec;
import dev.nanochat.sae.neuronpedia.persistence.ExportJob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Builds one export: reads the SAE's cfg.json, fetches every feature's dashboard from the dashboards
 * server (viz-service's Neuronpedia read API) and writes the package. No dashboards → WAITING (a later
 * sae.dashboards event for the checkpoint builds it); anything else wrong → FAILED with the reason.
 */
@ApplicationScoped
public class PackageBuilder {
    private static final Logger LOG = Logger.getLogger(PackageBuilder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    NeuronpediaConfig config;

    public void build(long id) {
        ExportJob job = update(id, j -> {
            j.status = ExportJob.BUILDING;
            j.progress = 0;
        });
        try {
            Path sae = Path.of(job.saePath);
            JsonNode cfg = JSON.readTree(sae.resolve("cfg.json").toFile());
            int dSae = cfg.path("d_sae").asInt();
            int dIn = cfg.path("d_in").asInt();
            JsonNode meta = cfg.path("metadata");
            int layer = NeuronpediaIds.layerOf(job.sourceId);
            RetryPolicy retry =
                    new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5), 0, RetryPolicy.Sleeper.REAL);
            DashboardReader reader = new DashboardReader(
                    new NeuronpediaClient(
                            config.dashboardsUrl(),
                            null,
                            retry,
                            config.dashboardsToken().orElse(null)),
                    DashboardReader.MAX_CHUNK);
            SaeDashboards d = reader.read(
                    job.modelId,
                    job.sourceId,
                    job.hookName,
                    dSae,
                    meta.path("dataset_path").asText("default corpus"),
                    0,
                    meta.path("context_size").asInt(0),
                    done -> update(id, j -> j.progress = 0.9 * done / dSae));
            int layers = config.modelLayers() > 0 ? Math.max(config.modelLayers(), layer + 1) : layer + 1;
            PackageSpec spec = new PackageSpec(
                    job.modelId,
                    d.sourceSetName(),
                    layers,
                    dIn,
                    4 * dIn,
                    config.creatorId(),
                    "nanochat-sae",
                    config.visibility(),
                    "nanochat-sae SAEs at " + job.hookName,
                    1024,
                    128,
                    Instant.now());
            Path out = Path.of(config.packageRoot())
                    .resolve(job.modelId)
                    .resolve(job.sourceId)
                    .resolve(safe(job.checkpointId));
            NeuronpediaPackage.Built built = NeuronpediaPackage.build(
                    new PackageRequest(sae, d, spec, Map.of(), job.step == null ? 0 : job.step, job.checkpointId), out);
            update(id, j -> {
                j.status = ExportJob.READY;
                j.progress = 1;
                j.packageDir = built.dir().toString();
                j.archivePath = built.archive().toString();
                j.liveFeatures = built.liveFeatures();
                j.deadFeatures = built.deadFeatures();
            });
            LOG.infof(
                    "export %d (%s/%s): %d live, %d dead features → %s",
                    id, job.modelId, job.sourceId, built.liveFeatures(), built.deadFeatures(), built.archive());
        } catch (NoDashboardsException e) {
            update(id, j -> {
                j.status = ExportJob.WAITING;
                j.reason = e.getMessage();
            });
            LOG.infof("export %d waits for dashboards: %s", id, e.getMessage());
        } catch (Exception e) {
            LOG.errorf(e, "export %d failed", id);
            update(id, j -> {
                j.status = ExportJob.FAILED;
                j.reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            });
        }
    }

    /** Checkpoint ids are run:step; keep them readable but safe as one path segment. */
    static String safe(String checkpointId) {
        String s = checkpointId.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 100 ? s.substring(s.length() - 100) : s;
    }

    private static ExportJob update(long id, Consumer<ExportJob> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ExportJob j = ExportJob.findById(id);
            change.accept(j);
            j.updatedAt = OffsetDateTime.now();
            return j;
        });
    }
}

package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import dev.nanochat.sae.neuronpedia.api.DashboardReader;
import dev.nanochat.sae.neuronpedia.api.NeuronpediaClient;
import dev.nanochat.sae.neuronpedia.api.RetryPolicy;
import dev.nanochat.sae.neuronpedia.export.NeuronpediaPackage;
import dev.nanochat.sae.neuronpedia.export.PackageRequest;
import dev.nanochat.sae.neuronpedia.export.PackageSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae neuronpedia export`: one SAE folder → a package (SAELens folder, Neuronpedia bulk export,
 * SAEDashboard batches, model card, checksums, tar.gz). The model (--base-dir …) gives the layer count
 * and width; the hook comes from the SAE's cfg.json. Dashboards are read from a server speaking
 * Neuronpedia's read API (a viz-service that analysed this SAE). Computing them in-process needs
 * sae-features' analysis, which this build does not have yet: --corpus/--tokens say so.
 */
@Command(name = "export", description = "Package an SAE folder for Neuronpedia and SAELens")
public final class NeuronpediaExportCommand implements Callable<Integer> {
    @Option(names = "--sae", required = true, description = "SAELens folder of the SAE")
    Path sae;

    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--model-id", required = true, description = "Neuronpedia model id, e.g. d2-000600")
    String modelId;

    @Option(names = "--source-set", required = true, description = "Neuronpedia source set name, e.g. res-topk")
    String sourceSet;

    @Option(names = "--out", required = true, description = "package directory to write (the archive goes beside it)")
    Path out;

    @Option(
            names = "--dashboards-url",
            description = "read API with this SAE's dashboards (default http://127.0.0.1:$SAE_VIZ_PORT, 18084)")
    String dashboardsUrl;

    @Option(names = "--corpus", description = "analyse this corpus in-process (needs sae-features' analysis)")
    Path corpus;

    @Option(names = "--tokens", description = "tokens to analyse in-process (needs sae-features' analysis)")
    Long tokens;

    @Override
    public Integer call() throws Exception {
        NeuronpediaIds.modelId(modelId);
        NeuronpediaIds.sourceSetName(sourceSet);
        if (corpus != null || tokens != null)
            throw new IllegalArgumentException(
                    "in-process dashboards (--corpus/--tokens) need sae-features' FeatureAnalysis,"
                            + " which is not in this build yet; pass --dashboards-url of a viz-service that analysed this SAE");
        JsonNode cfg = new ObjectMapper().readTree(sae.resolve("cfg.json").toFile());
        String hook = cfg.path("metadata").path("hook_name").asText();
        int layer = NeuronpediaIds.layerOfHook(hook);
        String sourceId = NeuronpediaIds.sourceId(layer, sourceSet);
        ModelCheckpoint model = checkpoint.resolve();
        String url = dashboardsUrl != null
                ? dashboardsUrl
                : "http://127.0.0.1:" + System.getenv().getOrDefault("SAE_VIZ_PORT", "18084");
        RetryPolicy retry =
                new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5), 0, RetryPolicy.Sleeper.REAL);
        int dSae = cfg.path("d_sae").asInt();
        SaeDashboards d = new DashboardReader(new NeuronpediaClient(url, null, retry), 128)
                .read(
                        modelId,
                        sourceId,
                        hook,
                        dSae,
                        cfg.path("metadata").path("dataset_path").asText("default corpus"),
                        0,
                        cfg.path("metadata")
                                .path("context_size")
                                .asInt(model.config().sequenceLen()),
                        done -> System.err.printf("\rdashboards: %d/%d", done, dSae));
        System.err.println();
        PackageSpec spec = new PackageSpec(
                modelId,
                sourceSet,
                model.config().nLayer(),
                model.config().nEmbd(),
                4 * model.config().nEmbd(),
                PackageSpec.DEFAULT_CREATOR_ID,
                "nanochat-sae",
                "PUBLIC",
                "nanochat-sae SAEs at " + hook,
                1024,
                128,
                Instant.now());
        NeuronpediaPackage.Built b = NeuronpediaPackage.build(
                new PackageRequest(sae, d, spec, Map.of(), 0, sae.getFileName().toString()), out);
        System.out.printf(
                "package: %s%narchive: %s%nfeatures: %d live, %d dead (skipped)%nneuronpedia id: %s/%s%n",
                b.dir(), b.archive(), b.liveFeatures(), b.deadFeatures(), modelId, sourceId);
        return 0;
    }
}

package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.DefaultCorpus;
import dev.nanochat.sae.corpus.SaeHome;
import dev.nanochat.sae.features.AnalysisSettings;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import dev.nanochat.sae.neuronpedia.api.DashboardReader;
import dev.nanochat.sae.neuronpedia.api.NeuronpediaClient;
import dev.nanochat.sae.neuronpedia.api.RetryPolicy;
import dev.nanochat.sae.neuronpedia.export.NeuronpediaPackage;
import dev.nanochat.sae.neuronpedia.export.PackageRequest;
import dev.nanochat.sae.neuronpedia.export.PackageSpec;
import java.nio.file.Files;
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
 * and width; the hook comes from the SAE's cfg.json.
 *
 * <p>By default the dashboards are computed here, without any service: the model runs over the corpus
 * (--corpus, else the platform's default Europarl corpus under $SAE_HOME/corpus, the one the demo's
 * collector reads) for --tokens tokens (default {@value #DEFAULT_TOKENS}, viz-service's default) and
 * sae-features' analysis makes every latent's dashboard. With --dashboards-url they are read instead
 * from a server speaking Neuronpedia's read API (a viz-service that analysed this SAE).
 */
@Command(name = "export", description = "Package an SAE folder for Neuronpedia and SAELens")
public final class NeuronpediaExportCommand implements Callable<Integer> {
    static final long DEFAULT_TOKENS = 65_536;

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
            description = "read the dashboards from this read API (a viz-service) instead of computing them")
    String dashboardsUrl;

    @Option(
            names = "--corpus",
            description = "corpus file or dir to analyse (.txt, .jsonl, .parquet; default: $SAE_HOME/corpus/"
                    + DefaultCorpus.FILE_NAME + ")")
    Path corpus;

    @Option(names = "--tokens", description = "tokens to analyse (default " + DEFAULT_TOKENS + ")")
    Long tokens;

    @Override
    public Integer call() throws Exception {
        NeuronpediaIds.modelId(modelId);
        NeuronpediaIds.sourceSetName(sourceSet);
        if (dashboardsUrl != null && (corpus != null || tokens != null))
            throw new IllegalArgumentException("--corpus/--tokens choose what the in-process analysis reads;"
                    + " with --dashboards-url the dashboards are already computed: pass one or the other");
        if (tokens != null && tokens < 2)
            throw new IllegalArgumentException("--tokens must be at least 2 (one window of 2 tokens), got " + tokens);
        if (corpus != null && !Files.exists(corpus))
            throw new IllegalArgumentException("--corpus " + corpus + " does not exist");
        Path cfgFile = sae.resolve("cfg.json");
        if (!Files.isRegularFile(cfgFile))
            throw new IllegalArgumentException("--sae " + sae + " is not an SAELens folder: no cfg.json");
        JsonNode cfg = new ObjectMapper().readTree(cfgFile.toFile());
        String hook = cfg.path("metadata").path("hook_name").asText("");
        if (hook.isBlank()) throw new IllegalArgumentException(cfgFile + " names no metadata.hook_name");
        int layer = NeuronpediaIds.layerOfHook(hook);
        String sourceId = NeuronpediaIds.sourceId(layer, sourceSet);
        ModelCheckpoint model = checkpoint.resolve();
        SaeDashboards d = dashboardsUrl != null ? read(cfg, hook, sourceId, model) : compute(sourceId, model, hook);
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

    private SaeDashboards compute(String sourceId, ModelCheckpoint model, String hook) throws Exception {
        HookPoint point = HookPoint.parse(hook);
        point.validate(model.config());
        try (Sae s = Sae.load(sae)) {
            var c = s.config();
            if (c.dIn() != model.config().nEmbd())
                throw new IllegalArgumentException(
                        "SAE d_in " + c.dIn() + " does not match " + model.modelId() + " hook " + point.name()
                                + " width n_embd=" + model.config().nEmbd());
            Path file = corpus != null ? corpus : DefaultCorpus.ensure(SaeHome.resolve());
            Corpus docs = corpus != null ? Corpus.of(corpus) : DefaultCorpus.open(SaeHome.resolve());
            int seqLen = model.config().sequenceLen();
            int window = c.contextSize() > 0 ? Math.min(c.contextSize(), seqLen) : seqLen;
            long n = tokens != null ? tokens : DEFAULT_TOKENS;
            System.err.printf(
                    "analysing %d tokens of %s at %s/%s in windows of %d (no service needed)%n",
                    n, docs, model.modelId(), point.name(), window);
            SaeSource source = new SaeSource(
                    modelId,
                    sourceId,
                    point.name(),
                    "cli",
                    sae.getFileName().toString(),
                    c.architecture(),
                    c.dIn(),
                    c.dSae());
            return CorpusDashboards.compute(
                    s,
                    source,
                    model,
                    point,
                    docs,
                    file.getFileName().toString(),
                    n,
                    window,
                    AnalysisSettings.defaults());
        }
    }

    private SaeDashboards read(JsonNode cfg, String hook, String sourceId, ModelCheckpoint model) {
        RetryPolicy retry =
                new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5), 0, RetryPolicy.Sleeper.REAL);
        int dSae = cfg.path("d_sae").asInt();
        SaeDashboards d;
        try (ProgressBar bar = ProgressBar.onStderr("dashboards", dSae, "features")) {
            d = new DashboardReader(new NeuronpediaClient(dashboardsUrl, null, retry), 128)
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
                            done -> bar.update(done));
        }
        return d;
    }
}

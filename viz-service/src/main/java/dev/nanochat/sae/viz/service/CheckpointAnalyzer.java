package dev.nanochat.sae.viz.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.eval.SaeCheckpoint;
import dev.nanochat.sae.features.FeatureAnalysis;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.FeatureSink;
import dev.nanochat.sae.features.NeuronJson;
import dev.nanochat.sae.features.NeuronpediaNames;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.features.SaeSummary;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.DashboardRepository;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.persistence.FeatureRow;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns one checkpoint event into stored dashboards: claims the checkpoint (a unique row, so a
 * redelivered event does no work), opens the SAE (path confined, sha256 checked), streams the eval split
 * through {@link FeatureAnalysis}, stores features in batches and marks the job DONE. Any failure marks it
 * FAILED with the reason and deletes what was stored: the API serves DONE dashboards only.
 */
@ApplicationScoped
public class CheckpointAnalyzer {
    private static final Logger LOG = Logger.getLogger(CheckpointAnalyzer.class);
    private static final int STORE_BATCH = 128;

    @Inject
    VizConfig config;

    @Inject
    ModelAssets models;

    @Inject
    DashboardRepository dashboards;

    @Inject
    FeatureRepository features;

    @Inject
    ObjectMapper json;

    @Inject
    KafkaClientProperties kafka;

    /** The finished (DONE or FAILED) dashboard row, or empty when the event was skipped or already handled. */
    public Optional<Dashboard> analyse(CheckpointEvent e) {
        if (!config.wanted(e.finalCheckpoint(), e.step())) return Optional.empty();
        Long id = QuarkusTransaction.requiringNew().call(() -> claim(e));
        if (id == null) {
            LOG.infof("checkpoint %s already analysed or in progress: no work", e.id());
            return Optional.empty();
        }
        try {
            run(id, e);
        } catch (Exception ex) {
            String reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            LOG.warnf("analysis of %s failed: %s", e.id(), reason);
            QuarkusTransaction.requiringNew().run(() -> {
                features.deleteOf(id);
                Dashboard d = dashboards.findById(id);
                d.status = Dashboard.FAILED;
                d.error = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
                d.finishedAt = OffsetDateTime.now();
            });
        }
        return Optional.of(QuarkusTransaction.requiringNew().call(() -> dashboards.findById(id)));
    }

    private Long claim(CheckpointEvent e) {
        if (dashboards.byCheckpoint(e.id()).isPresent()) return null;
        Dashboard d = new Dashboard();
        d.checkpointId = e.id();
        d.runId = e.runId();
        d.step = e.step();
        d.finalCheckpoint = e.finalCheckpoint();
        d.modelId = NeuronpediaNames.modelId(e.modelId());
        d.sourceId = NeuronpediaNames.sourceId(e.hook(), config.setPrefix(), e.runId());
        d.hookName = e.hook();
        d.architecture = e.config().path("architecture").asText("unknown");
        d.dIn = e.config().path("d_in").asInt(0);
        d.dSae = e.config().path("d_sae").asInt(0);
        d.path = e.path();
        d.status = Dashboard.RUNNING;
        d.phase = "opening";
        dashboards.persist(d);
        dashboards.flush();
        return d.id;
    }

    private void run(long id, CheckpointEvent e) throws Exception {
        Dashboard head = QuarkusTransaction.requiringNew().call(() -> dashboards.findById(id));
        try (Sae sae = SaeCheckpoint.open(Path.of(e.path()), e.sha256(), config.checkpointRoots())) {
            var c = sae.config();
            SaeSource source = new SaeSource(
                    head.modelId, head.sourceId, e.hook(), e.runId(), e.id(), c.architecture(), c.dIn(), c.dSae());
            QuarkusTransaction.requiringNew().run(() -> {
                Dashboard d = dashboards.findById(id);
                d.architecture = c.architecture();
                d.dIn = c.dIn();
                d.dSae = c.dSae();
                d.phase = "reading";
            });
            ModelAssets.Assets assets = models.of(e.modelId());
            QuarkusTransaction.requiringNew().run(() -> {
                Dashboard d = dashboards.findById(id);
                d.modelDir = assets.ref().baseDir().toString();
                d.modelSource = assets.ref().source();
                d.modelTag = assets.ref().tag();
                d.modelStep = assets.ref().step();
            });
            Path tmp = Files.createTempDirectory("sae-viz-");
            try (FeatureAnalysis analysis =
                    new FeatureAnalysis(sae, source, assets.unembedding(), assets.text(), config.settings(), tmp)) {
                long[] lastUpdate = {System.nanoTime()};
                var stats = EvalRecordReader.read(
                        kafka,
                        e.modelId(),
                        e.hook(),
                        c.dIn(),
                        config.collection(),
                        config.analysisTokens(),
                        config.readTimeout(),
                        b -> {
                            analysis.accept(b);
                            if (System.nanoTime() - lastUpdate[0] > 1_000_000_000L) {
                                lastUpdate[0] = System.nanoTime();
                                progress(
                                        id,
                                        "reading",
                                        0.5 * analysis.tokens() / config.analysisTokens(),
                                        analysis.tokens());
                            }
                        });
                if (stats.tokens() == 0) {
                    throw new IllegalStateException(
                            "no eval-split activations on the topic of " + e.modelId() + "/" + e.hook()
                                    + (config.collection().isEmpty() ? "" : " for collection " + config.collection()));
                }
                progress(id, "finishing", 0.5, analysis.tokens());
                String dataset =
                        (config.collection().isEmpty() ? e.modelId() + "/" + e.hook() : config.collection()) + "/eval";
                analysis.finish(dataset, e.metrics(), new Store(id, source, analysis));
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private void progress(long id, String phase, double fraction, long tokens) {
        QuarkusTransaction.requiringNew().run(() -> {
            Dashboard d = dashboards.findById(id);
            d.phase = phase;
            d.progress = Math.min(1, fraction);
            d.tokens = tokens;
        });
    }

    /** Stores features in batches of {@value #STORE_BATCH}, then the summary, which flips the job to DONE. */
    private final class Store implements FeatureSink {
        private final long id;
        private final SaeSource source;
        private final FeatureAnalysis analysis;
        private final List<FeatureRow> pending = new ArrayList<>();

        Store(long id, SaeSource source, FeatureAnalysis analysis) {
            this.id = id;
            this.source = source;
            this.analysis = analysis;
        }

        @Override
        public void feature(FeatureResult r) throws Exception {
            FeatureRow row = new FeatureRow();
            row.dashboardId = id;
            row.idx = r.index();
            row.fracNonzero = r.fracNonzero();
            row.maxAct = r.maxActivation();
            row.blurb = NeuronJson.blurb(r);
            row.neuronJson = json.writeValueAsString(NeuronJson.of(json, source, r));
            pending.add(row);
            if (pending.size() >= STORE_BATCH) flush();
        }

        private void flush() {
            List<FeatureRow> rows = new ArrayList<>(pending);
            pending.clear();
            QuarkusTransaction.requiringNew().run(() -> features.persist(rows));
            progress(id, "storing", 0.5 + 0.5 * analysis.finishFraction(), analysis.tokens());
        }

        @Override
        public void summary(SaeSummary s) throws Exception {
            flush();
            String summaryJson = json.writeValueAsString(s);
            QuarkusTransaction.requiringNew().run(() -> {
                Dashboard d = dashboards.findById(id);
                d.summaryJson = summaryJson;
                d.status = Dashboard.DONE;
                d.phase = "done";
                d.progress = 1;
                d.tokens = s.tokenCount();
                d.finishedAt = OffsetDateTime.now();
            });
        }
    }
}

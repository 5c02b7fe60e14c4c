package dev.nanochat.sae.viz.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.DashboardRepository;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.persistence.RunPoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON-ready views of dashboards for the native API and the pages (one place for the field names). */
@ApplicationScoped
public class SaeViews {
    @Inject
    DashboardRepository dashboards;

    @Inject
    FeatureRepository features;

    @Inject
    ObjectMapper json;

    @Inject
    Evaluations evaluations;

    @Transactional
    public List<Map<String, Object>> saes() {
        List<Dashboard> done = dashboards.done();
        var evaluated =
                evaluations.of(done.stream().map(d -> d.runId).distinct().toList());
        return done.stream().map(d -> view(d, false, evaluated)).toList();
    }

    @Transactional
    public Optional<Map<String, Object>> sae(long id) {
        return dashboards
                .findByIdOptional(id)
                .filter(d -> Dashboard.DONE.equals(d.status))
                .map(d -> view(d, true, evaluations.of(List.of(d.runId))));
    }

    @Transactional
    public Optional<Map<String, Object>> features(long id, FeatureRepository.Sort sort, int page, int size) {
        return dashboards
                .findByIdOptional(id)
                .filter(d -> Dashboard.DONE.equals(d.status))
                .map(d -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("saeId", d.id);
                    m.put("modelId", d.modelId);
                    m.put("sourceId", d.sourceId);
                    m.put("sort", sort.name().toLowerCase());
                    m.put("page", page);
                    m.put("size", size);
                    m.put("total", (long) d.dSae);
                    m.put("pages", (d.dSae + size - 1) / size);
                    m.put("features", features.page(d.id, sort, page, size));
                    return m;
                });
    }

    @Transactional
    public List<Map<String, Object>> jobs() {
        return dashboards.recent(100).stream()
                .map(d -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", d.id);
                    m.put("checkpointId", d.checkpointId);
                    m.put("runId", d.runId);
                    m.put("step", d.step);
                    m.put("status", d.status);
                    m.put("phase", d.phase);
                    m.put("progress", d.progress);
                    m.put("tokens", d.tokens);
                    m.put("error", d.error);
                    m.put("createdAt", d.createdAt.toString());
                    m.put("finishedAt", d.finishedAt == null ? null : d.finishedAt.toString());
                    return m;
                })
                .toList();
    }

    /**
     * {@code metrics} are the training figures the checkpoint event carried; {@code evaluation} is the
     * evaluator's verdict on the same checkpoint (held-out FVU, L0, spliced CE loss...), null until it arrives.
     */
    Map<String, Object> view(Dashboard d, boolean withSummary, Map<RunPoint.Key, Map<String, Object>> evaluated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id);
        m.put("modelId", d.modelId);
        m.put("sourceId", d.sourceId);
        m.put("neuronpediaId", d.modelId + "/" + d.sourceId);
        m.put("runId", d.runId);
        m.put("checkpointId", d.checkpointId);
        m.put("step", d.step);
        m.put("final", d.finalCheckpoint);
        m.put("hookName", d.hookName);
        m.put("architecture", d.architecture);
        m.put("dIn", d.dIn);
        m.put("dSae", d.dSae);
        m.put("tokens", d.tokens);
        JsonNode s = summary(d);
        m.put("deadCount", s.path("deadCount").asInt());
        m.put("denseCount", s.path("denseCount").asInt());
        m.put("dataset", s.path("dataset").asText());
        m.put("metrics", s.path("metrics"));
        RunPoint.Key key = new RunPoint.Key();
        key.runId = d.runId;
        key.step = d.step;
        m.put("evaluation", evaluated.get(key));
        if (withSummary) {
            m.put("log10DensityHistogram", s.path("log10DensityHistogram"));
            m.put("dense1PctCount", s.path("dense1PctCount").asInt());
            m.put("contexts", s.path("contexts").asLong());
            m.put("contextLength", s.path("contextLength").asInt());
        }
        return m;
    }

    private JsonNode summary(Dashboard d) {
        try {
            return d.summaryJson == null ? json.createObjectNode() : json.readTree(d.summaryJson);
        } catch (Exception e) {
            throw new IllegalStateException("dashboard " + d.id + " has an unreadable summary", e);
        }
    }
}

package dev.nanochat.sae.evaluator.rest;

import dev.nanochat.sae.evaluator.persistence.Evaluation;
import dev.nanochat.sae.evaluator.service.MetricsJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Entity → view (metrics JSON parsed back into a map). */
@ApplicationScoped
public class EvaluationViews {
    private final MetricsJson metricsJson;

    EvaluationViews(MetricsJson metricsJson) {
        this.metricsJson = metricsJson;
    }

    public EvaluationView of(Evaluation e) {
        return new EvaluationView(
                e.id,
                e.runId,
                e.step,
                e.tokens,
                e.modelId,
                e.hook,
                e.checkpointPath,
                e.finalCheckpoint,
                e.status,
                e.reason,
                e.notes,
                e.evalTokens,
                e.durationMs,
                e.createdAt,
                metricsJson.read(e.metrics));
    }

    /** A numeric metric of an evaluation, or null when absent or not a number. */
    public Double metric(Evaluation e, String name) {
        Object v = metricsJson.read(e.metrics).get(name);
        return v instanceof Number n ? n.doubleValue() : null;
    }

    public Map<String, Object> metrics(Evaluation e) {
        return metricsJson.read(e.metrics);
    }
}

package dev.nanochat.sae.core.records;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trainer reports on {@link Topics#TRAINING_PROGRESS} while a run trains: the metrics of one
 * step, so curves can be drawn per step rather than per checkpoint.
 *
 * <p>Design: a plain JSON record ({@link TrainingProgressJson}), not a CloudEvent: nothing acts on it
 * but charts, and a lost or repeated record only leaves or repeats one point ((run, step) identifies
 * it). Metric names are those of the checkpoint event at the same step, so a consumer can merge the
 * two. Only finite values are carried ({@link #finite} drops the rest): JSON has no NaN and a chart
 * has no use for one. {@code architecture} is null when the trainer does not know it.
 */
public record TrainingProgress(
        String runId,
        long step,
        long tokens,
        String modelId,
        String hook,
        String architecture,
        Map<String, Double> metrics) {

    public TrainingProgress {
        require("runId", runId);
        require("modelId", modelId);
        require("hook", hook);
        if (step < 0 || tokens < 0) {
            throw new IllegalArgumentException("step and tokens must be ≥ 0, got step=" + step + ", tokens=" + tokens);
        }
        if (architecture != null && architecture.isBlank()) {
            architecture = null;
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        (metrics == null ? Map.<String, Double>of() : metrics).forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("metric '" + k + "' must be a finite number, got " + v);
            }
            copy.put(k, v);
        });
        metrics = Collections.unmodifiableMap(copy);
    }

    /** The finite entries of {@code metrics}, in their order (numbers only; everything else is left out). */
    public static Map<String, Double> finite(Map<String, ?> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                out.put(k, n.doubleValue());
            }
        });
        return out;
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required, got '" + value + "'");
        }
    }
}

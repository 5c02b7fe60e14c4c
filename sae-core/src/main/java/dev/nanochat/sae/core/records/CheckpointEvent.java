package dev.nanochat.sae.core.records;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a trainer announces after each durable checkpoint (and, with {@code finalCheckpoint}, when a
 * run completes): where the SAELens folder is, a sha256 of its sae_weights.safetensors so readers can
 * verify what they load, the training metrics at that step and the SAE config.
 *
 * <p>Design: {@code final} is a Java keyword, hence {@code finalCheckpoint}; on the wire it is
 * {@code data.final}. {@code instance} is the trainer instance that wrote it (CloudEvents source
 * "/trainer/&lt;instance&gt;"). Metrics may be NaN (a diverged run is still worth announcing).
 */
public record CheckpointEvent(
        String runId,
        long step,
        long tokens,
        String path,
        String sha256,
        boolean finalCheckpoint,
        Map<String, Double> metrics,
        ObjectNode config,
        String modelId,
        String hook,
        String instance,
        Instant time) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public CheckpointEvent {
        require("runId", runId);
        require("path", path);
        require("modelId", modelId);
        require("hook", hook);
        require("instance", instance);
        if (runId.contains(":")) {
            throw new IllegalArgumentException(
                    "runId must not contain ':' (the event id is runId:step), got '" + runId + "'");
        }
        if (step < 0 || tokens < 0) {
            throw new IllegalArgumentException("step and tokens must be ≥ 0, got step=" + step + ", tokens=" + tokens);
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, got '" + sha256 + "'");
        }
        if (time == null) {
            throw new IllegalArgumentException("time is required");
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
        config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required, got '" + value + "'");
        }
    }

    /** CloudEvents id: unique per run and step, so redelivered events are recognisable. */
    public String id() {
        return runId + ":" + step;
    }

    /** A copy of the config (the record's own node is never handed out mutable). */
    @Override
    public ObjectNode config() {
        return config.deepCopy();
    }
}

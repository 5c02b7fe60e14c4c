package dev.nanochat.sae.core.records;

import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.MALFORMED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON of {@link TrainingProgress} on {@link Topics#TRAINING_PROGRESS} (key: run id):
 * {@code {"runId","step","tokens","modelId","hook","architecture"?,"metrics":{name: number}}}.
 *
 * <p>Parsing is strict, like {@link CheckpointEvents}: a missing or mistyped field, or a metric that is
 * not a finite number, is an {@link InvalidRecordException} (the consumer dead-letters it).
 */
public final class TrainingProgressJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingProgressJson() {}

    public static byte[] toBytes(TrainingProgress p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("runId", p.runId());
        root.put("step", p.step());
        root.put("tokens", p.tokens());
        root.put("modelId", p.modelId());
        root.put("hook", p.hook());
        if (p.architecture() != null) {
            root.put("architecture", p.architecture());
        }
        ObjectNode metrics = root.putObject("metrics");
        p.metrics().forEach(metrics::put);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static TrainingProgress fromBytes(byte[] value) {
        if (value == null) {
            throw new InvalidRecordException(MALFORMED, "training progress value is null");
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            throw new InvalidRecordException(MALFORMED, "training progress is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException(MALFORMED, "training progress is not a JSON object");
        }
        JsonNode metrics = root.get("metrics");
        if (metrics == null || !metrics.isObject()) {
            throw new InvalidRecordException(MALFORMED, "training progress has no 'metrics' object");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new InvalidRecordException(
                        MALFORMED, "metric '" + e.getKey() + "' is " + e.getValue() + ", not a number");
            }
            m.put(e.getKey(), e.getValue().doubleValue());
        }
        JsonNode arch = root.get("architecture");
        if (arch != null && !arch.isNull() && !arch.isTextual()) {
            throw new InvalidRecordException(MALFORMED, "field 'architecture' is not a string");
        }
        try {
            return new TrainingProgress(
                    text(root, "runId"),
                    number(root, "step"),
                    number(root, "tokens"),
                    text(root, "modelId"),
                    text(root, "hook"),
                    arch == null || arch.isNull() ? null : arch.textValue(),
                    m);
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(MALFORMED, "invalid training progress: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidRecordException(MALFORMED, "field '" + field + "' is missing or not a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new InvalidRecordException(MALFORMED, "field '" + field + "' is missing or not an integer");
        }
        return v.longValue();
    }
}

package dev.nanochat.sae.core.records;

import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.MALFORMED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudEvents 1.0 structured-mode JSON for {@link CheckpointEvent}s on {@link Topics#CHECKPOINTS}.
 *
 * <p>Design: structured mode (the whole event in the value, content type
 * {@link #CONTENT_TYPE}) keeps the event self-describing for any consumer; the record key should be
 * the run id so one run's events stay ordered in one partition. Non-finite metrics are written as
 * JSON null (JSON has no NaN) and read back as NaN. Parsing is strict: wrong specversion, type, id or
 * a missing data field is an {@link InvalidRecordException} (the consumer dead-letters it).
 */
public final class CheckpointEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String TYPE_CHECKPOINT = "dev.nanochat.sae.checkpoint";
    public static final String TYPE_RUN_COMPLETED = "dev.nanochat.sae.run.completed";
    public static final String SOURCE_PREFIX = "/trainer/";
    /** Kafka content-type header value for structured CloudEvents. */
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointEvents() {}

    public static String toCloudEventJson(CheckpointEvent e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("specversion", SPEC_VERSION);
        root.put("id", e.id());
        root.put("source", SOURCE_PREFIX + e.instance());
        root.put("type", e.finalCheckpoint() ? TYPE_RUN_COMPLETED : TYPE_CHECKPOINT);
        root.put("subject", e.runId());
        root.put("time", e.time().toString());
        root.put("datacontenttype", "application/json");
        ObjectNode data = root.putObject("data");
        data.put("runId", e.runId());
        data.put("step", e.step());
        data.put("tokens", e.tokens());
        data.put("path", e.path());
        data.put("sha256", e.sha256());
        data.put("final", e.finalCheckpoint());
        ObjectNode metrics = data.putObject("metrics");
        e.metrics().forEach((k, v) -> {
            if (v == null || !Double.isFinite(v)) {
                metrics.putNull(k);
            } else {
                metrics.put(k, v);
            }
        });
        data.set("config", e.config());
        data.put("modelId", e.modelId());
        data.put("hook", e.hook());
        return root.toString();
    }

    public static byte[] toCloudEventBytes(CheckpointEvent e) {
        return toCloudEventJson(e).getBytes(StandardCharsets.UTF_8);
    }

    public static CheckpointEvent fromCloudEventJson(byte[] json) {
        if (json == null) {
            throw new InvalidRecordException(MALFORMED, "checkpoint event value is null");
        }
        return fromCloudEventJson(new String(json, StandardCharsets.UTF_8));
    }

    public static CheckpointEvent fromCloudEventJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException ex) {
            throw new InvalidRecordException(MALFORMED, "checkpoint event is not JSON: " + ex.getMessage(), ex);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException(MALFORMED, "checkpoint event is not a JSON object");
        }
        expect(root, "specversion", SPEC_VERSION);
        String type = text(root, "type");
        if (!type.equals(TYPE_CHECKPOINT) && !type.equals(TYPE_RUN_COMPLETED)) {
            throw new InvalidRecordException(
                    MALFORMED,
                    "event type '" + type + "' is neither " + TYPE_CHECKPOINT + " nor " + TYPE_RUN_COMPLETED);
        }
        String source = text(root, "source");
        if (!source.startsWith(SOURCE_PREFIX) || source.length() == SOURCE_PREFIX.length()) {
            throw new InvalidRecordException(MALFORMED, "event source '" + source + "' is not /trainer/<instance>");
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new InvalidRecordException(MALFORMED, "event has no 'data' object");
        }
        boolean isFinal = data.path("final").asBoolean(false);
        if (isFinal != type.equals(TYPE_RUN_COMPLETED)) {
            throw new InvalidRecordException(MALFORMED, "event type " + type + " disagrees with data.final=" + isFinal);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        data.path("metrics")
                .fields()
                .forEachRemaining(m -> metrics.put(
                        m.getKey(), m.getValue().isNumber() ? m.getValue().doubleValue() : Double.NaN));
        JsonNode config = data.get("config");
        CheckpointEvent event;
        try {
            event = new CheckpointEvent(
                    text(data, "runId"),
                    number(data, "step"),
                    number(data, "tokens"),
                    text(data, "path"),
                    text(data, "sha256"),
                    isFinal,
                    metrics,
                    config != null && config.isObject() ? (ObjectNode) config : null,
                    text(data, "modelId"),
                    text(data, "hook"),
                    source.substring(SOURCE_PREFIX.length()),
                    Instant.parse(text(root, "time")));
        } catch (DateTimeParseException ex) {
            throw new InvalidRecordException(MALFORMED, "event time is not RFC 3339: " + ex.getParsedString(), ex);
        } catch (InvalidRecordException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            throw new InvalidRecordException(MALFORMED, "invalid checkpoint event: " + ex.getMessage(), ex);
        }
        expect(root, "id", event.id());
        return event;
    }

    private static void expect(JsonNode node, String field, String expected) {
        String v = text(node, field);
        if (!v.equals(expected)) {
            throw new InvalidRecordException(
                    MALFORMED, "event '" + field + "' is '" + v + "', expected '" + expected + "'");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidRecordException(MALFORMED, "event field '" + field + "' is missing or not a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new InvalidRecordException(MALFORMED, "event field '" + field + "' is missing or not an integer");
        }
        return v.longValue();
    }
}

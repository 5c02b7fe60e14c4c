package dev.nanochat.sae.viz.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.viz.persistence.RunPoint;
import dev.nanochat.sae.viz.persistence.SaeEvaluation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluator's held-out metrics, kept per checkpoint so the SAE pages and {@code /api/saes} show
 * them beside the dashboards. Events are CloudEvents of type {@value #TYPE} whose data is the
 * evaluator's REST view of the evaluation; they may arrive before or after the dashboards, and again
 * (redelivery, a retried evaluation): a successful evaluation is never replaced by a failed one.
 */
@ApplicationScoped
public class Evaluations {
    public static final String TYPE = "dev.nanochat.sae.evaluation";

    @Inject
    ObjectMapper json;

    /** What an event says, checked; {@link InvalidRecordException} for anything unusable. */
    public record Received(
            String runId,
            long step,
            long tokens,
            boolean finalCheckpoint,
            String status,
            String reason,
            Integer evalTokens,
            JsonNode metrics) {}

    public Received parse(byte[] value) {
        if (value == null || value.length == 0) throw malformed("empty value");
        JsonNode e;
        try {
            e = json.readTree(value);
        } catch (IOException ex) {
            throw malformed("not JSON: " + ex.getMessage().lines().findFirst().orElse(""));
        }
        if (e == null || !e.isObject()) throw malformed("not a JSON object");
        if (!"1.0".equals(e.path("specversion").asText())) throw malformed("specversion is not 1.0");
        if (!TYPE.equals(e.path("type").asText())) throw malformed("type is not " + TYPE);
        JsonNode d = e.path("data");
        String runId = d.path("runId").asText("");
        if (runId.isBlank() || runId.length() > 200) throw malformed("data.runId missing or longer than 200");
        if (!d.path("step").canConvertToLong() || d.path("step").asLong() < 0)
            throw malformed("data.step is not a non-negative integer");
        String status = d.path("status").asText("");
        if (status.isBlank()) throw malformed("data.status missing");
        JsonNode metrics = d.path("metrics");
        if (!metrics.isObject()) throw malformed("data.metrics is not an object");
        return new Received(
                runId,
                d.path("step").asLong(),
                d.path("tokens").asLong(0),
                d.path("finalCheckpoint").asBoolean(false),
                status,
                d.path("reason").isTextual() ? d.path("reason").asText() : null,
                d.path("evalTokens").canConvertToInt() ? d.path("evalTokens").asInt() : null,
                metrics);
    }

    /** Stores the evaluation; false when it was not newer than what is kept (a failure after a success). */
    @Transactional
    public boolean record(Received r) {
        RunPoint.Key key = new RunPoint.Key();
        key.runId = r.runId();
        key.step = r.step();
        SaeEvaluation row = SaeEvaluation.findById(key);
        boolean fresh = row == null;
        if (fresh) {
            row = new SaeEvaluation();
            row.runId = r.runId();
            row.step = r.step();
        } else if (row.ok() && !SaeEvaluation.OK.equals(r.status())) {
            return false;
        }
        row.tokens = r.tokens();
        row.finalCheckpoint = r.finalCheckpoint();
        row.status = r.status();
        row.reason = r.reason();
        row.evalTokens = r.evalTokens();
        row.metricsJson = r.metrics().toString();
        row.receivedAt = java.time.OffsetDateTime.now();
        if (fresh) row.persist();
        return true;
    }

    /** The evaluation of each (run, step) asked for that has one, as the API shows it. */
    @Transactional
    public Map<RunPoint.Key, Map<String, Object>> of(Collection<String> runIds) {
        Map<RunPoint.Key, Map<String, Object>> out = new HashMap<>();
        if (runIds.isEmpty()) return out;
        List<SaeEvaluation> rows = SaeEvaluation.list("runId in ?1", List.copyOf(runIds));
        for (SaeEvaluation row : rows) {
            RunPoint.Key key = new RunPoint.Key();
            key.runId = row.runId;
            key.step = row.step;
            out.put(key, view(row));
        }
        return out;
    }

    private Map<String, Object> view(SaeEvaluation row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", row.status);
        m.put("reason", row.reason);
        m.put("evalTokens", row.evalTokens);
        m.put("tokens", row.tokens);
        try {
            m.put("metrics", json.readTree(row.metricsJson));
        } catch (IOException e) {
            throw new IllegalStateException("evaluation " + row.runId + ":" + row.step + " has unreadable metrics", e);
        }
        return m;
    }

    private static InvalidRecordException malformed(String why) {
        return new InvalidRecordException(InvalidRecordException.Reason.MALFORMED, "evaluation event: " + why);
    }
}

package dev.nanochat.sae.neuronpedia.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.neuronpedia.service.ExportRequest;
import java.io.IOException;

/**
 * viz-service's {@code sae.dashboards} CloudEvent (type {@value #TYPE}): data names the checkpoint
 * (checkpointId, runId, step, path of its SAE folder) and its Neuronpedia source (modelId, sourceId,
 * hookName). Anything else is an invalid record (dead letter).
 */
public final class DashboardEvent {
    public static final String TYPE = "dev.nanochat.sae.dashboards";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardEvent() {}

    public static ExportRequest parse(byte[] value) {
        JsonNode e;
        try {
            e = JSON.readTree(value);
        } catch (IOException ex) {
            throw new InvalidRecordException(
                    InvalidRecordException.Reason.MALFORMED, "sae.dashboards record is not JSON: " + ex.getMessage());
        }
        if (e == null || !TYPE.equals(e.path("type").asText()))
            throw new InvalidRecordException(
                    InvalidRecordException.Reason.MALFORMED, "sae.dashboards record is not a " + TYPE + " CloudEvent");
        JsonNode d = e.path("data");
        for (String f : new String[] {"checkpointId", "modelId", "sourceId", "hookName", "path"}) {
            if (!d.path(f).isTextual() || d.path(f).asText().isBlank())
                throw new InvalidRecordException(
                        InvalidRecordException.Reason.MALFORMED,
                        "sae.dashboards event " + e.path("id").asText() + " has no data." + f);
        }
        return new ExportRequest(
                d.get("path").asText(),
                d.get("modelId").asText(),
                d.get("sourceId").asText(),
                d.get("hookName").asText(),
                d.get("checkpointId").asText(),
                d.path("runId").asText(null),
                d.path("step").canConvertToLong() ? d.get("step").asLong() : null);
    }
}

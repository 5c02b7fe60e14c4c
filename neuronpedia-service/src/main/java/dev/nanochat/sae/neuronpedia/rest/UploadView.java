package dev.nanochat.sae.neuronpedia.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.neuronpedia.persistence.UploadJob;
import java.time.OffsetDateTime;

/** An upload as the API shows it; {@code report} is the uploader's report (problems of a dry run). */
public record UploadView(
        long id,
        long exportId,
        String baseUrl,
        boolean dryRun,
        String status,
        String reason,
        int requestsTotal,
        int requestsDone,
        JsonNode report,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static UploadView of(UploadJob j) {
        JsonNode report = null;
        try {
            if (j.report != null) report = JSON.readTree(j.report);
        } catch (Exception ignored) {
            // an unreadable report is shown as absent; status and reason still tell the story
        }
        return new UploadView(
                j.id,
                j.exportId,
                j.baseUrl,
                j.dryRun,
                j.status,
                j.reason,
                j.requestsTotal,
                j.requestsDone,
                report,
                j.createdAt,
                j.updatedAt);
    }
}

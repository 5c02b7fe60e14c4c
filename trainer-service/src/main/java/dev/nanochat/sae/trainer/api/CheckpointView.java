package dev.nanochat.sae.trainer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.trainer.persistence.CheckpointEntity;
import java.time.Instant;

/** A durable checkpoint as the API shows it. */
public record CheckpointView(
        long step,
        long tokens,
        long dlqRecords,
        String path,
        String sha256,
        boolean isFinal,
        JsonNode metrics,
        Instant createdAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CheckpointView of(CheckpointEntity c) {
        JsonNode metrics;
        try {
            metrics = JSON.readTree(c.metrics);
        } catch (Exception e) {
            metrics = null;
        }
        return new CheckpointView(c.step, c.tokens, c.dlqRecords, c.path, c.sha256, c.isFinal, metrics, c.createdAt);
    }
}

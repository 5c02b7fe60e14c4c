package dev.nanochat.sae.trainer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import java.time.Instant;

/** A run as the API shows it. {@code tokensTrained} is live; {@code tokensCheckpointed} is durable. */
public record RunView(
        String id,
        String status,
        String desiredState,
        String ownerInstance,
        Integer slot,
        String activationTopic,
        String modelId,
        String hook,
        String device,
        String engine,
        long tokensTrained,
        long tokensCheckpointed,
        Long stopAfterTokens,
        Double tokensPerSecond,
        Double loss,
        Double fvu,
        Double l0,
        Double deadPercent,
        Long consumerLag,
        long dlqRecords,
        long duplicatesSkipped,
        long step,
        String lastCheckpointPath,
        String error,
        int retries,
        String lastError,
        JsonNode sae,
        int batchTokens,
        int shuffleBufferTokens,
        long checkpointEveryTokens,
        Instant createdAt,
        Instant updatedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunView of(RunEntity r) {
        JsonNode sae;
        try {
            sae = JSON.readTree(r.saeConfig);
        } catch (Exception e) {
            sae = null;
        }
        return new RunView(
                r.id,
                r.status.name(),
                r.desiredState.name(),
                r.ownerInstance,
                r.slot,
                r.activationTopic,
                r.modelId,
                r.hook,
                r.device,
                r.engine,
                r.tokensTrained,
                r.tokensCheckpointed,
                r.stopAfterTokens,
                r.tokensPerSecond,
                r.loss,
                r.fvu,
                r.l0,
                r.deadFraction == null ? null : 100 * r.deadFraction,
                r.consumerLag,
                r.dlqRecords,
                r.duplicatesSkipped,
                r.lastStep,
                r.lastCheckpointPath,
                r.error,
                r.retries,
                r.lastError,
                sae,
                r.batchTokens,
                r.shuffleBufferTokens,
                r.checkpointEveryTokens,
                r.createdAt,
                r.updatedAt);
    }
}

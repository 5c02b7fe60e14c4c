package dev.nanochat.sae.evaluator.rest;

import java.time.OffsetDateTime;
import java.util.Map;

/** An evaluation as served over REST and published on {@code sae.evaluations}. */
public record EvaluationView(
        long id,
        String runId,
        long step,
        long tokens,
        String modelId,
        String hook,
        String checkpointPath,
        boolean finalCheckpoint,
        String status,
        String reason,
        String notes,
        Integer evalTokens,
        Long durationMs,
        OffsetDateTime createdAt,
        Map<String, Object> metrics) {}

package dev.nanochat.sae.trainer.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Body of {@code POST /api/runs}. Either {@code activationTopic} or {@code modelId} + {@code hook}
 * (→ {@code sae.activations.<modelId>.<hook>}). {@code sae} is an SAE config in the engine's JSON
 * (d_in, architecture, d_sae, k, ...). Sizes are in tokens (activation rows). Absent
 * {@code stopAfterTokens} = train continuously.
 */
public record RunRequest(
        String activationTopic,
        String modelId,
        String hook,
        ObjectNode sae,
        Integer batchTokens,
        Integer shuffleBufferTokens,
        Long checkpointEveryTokens,
        Long stopAfterTokens,
        String device) {}

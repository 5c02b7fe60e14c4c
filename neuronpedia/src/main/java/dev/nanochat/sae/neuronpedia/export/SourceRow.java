package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Neuronpedia's {@code Source} row: one SAE at one layer, id {@code {layer}-{setName}}. */
@JsonPropertyOrder({
    "id",
    "modelId",
    "setName",
    "creatorId",
    "hasDashboards",
    "inferenceEnabled",
    "visibility",
    "saelensConfig",
    "saelensRelease",
    "saelensSaeId",
    "num_prompts",
    "num_tokens_in_prompt",
    "dataset",
    "notes"
})
public record SourceRow(
        String id,
        String modelId,
        String setName,
        String creatorId,
        boolean hasDashboards,
        boolean inferenceEnabled,
        String visibility,
        ObjectNode saelensConfig,
        String saelensRelease,
        String saelensSaeId,
        @JsonProperty("num_prompts") int numPrompts,
        @JsonProperty("num_tokens_in_prompt") int numTokensInPrompt,
        String dataset,
        String notes) {}

package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Neuronpedia's {@code Explanation} row; {@code id} explicit and unique, {@code index} a string. */
@JsonPropertyOrder({"id", "modelId", "layer", "index", "description", "authorId", "typeName", "explanationModelName"})
public record ExplanationRow(
        String id,
        String modelId,
        String layer,
        String index,
        String description,
        String authorId,
        String typeName,
        String explanationModelName) {}

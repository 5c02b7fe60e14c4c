package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Neuronpedia's {@code Model} row. {@code visibility} is always written (omitted means PRIVATE). */
@JsonPropertyOrder({
    "id",
    "instruct",
    "creatorId",
    "displayName",
    "displayNameShort",
    "dimension",
    "visibility",
    "layers",
    "neuronsPerLayer",
    "owner",
    "inferenceEnabled",
    "createdAt",
    "updatedAt"
})
public record ModelRow(
        String id,
        boolean instruct,
        String creatorId,
        String displayName,
        String displayNameShort,
        int dimension,
        String visibility,
        int layers,
        int neuronsPerLayer,
        String owner,
        boolean inferenceEnabled,
        String createdAt,
        String updatedAt) {}

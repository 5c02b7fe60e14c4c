package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Neuronpedia's {@code Activation} row (activations/batch-N.jsonl.gz). {@code id} is explicit and
 * unique (the import inserts with ON CONFLICT DO NOTHING, so a deterministic id makes re-imports
 * idempotent); {@code maxValue = max(values)}, {@code maxValueTokenIndex = argmax(values)}.
 */
@JsonPropertyOrder({
    "id",
    "tokens",
    "values",
    "index",
    "layer",
    "modelId",
    "creatorId",
    "maxValue",
    "maxValueTokenIndex",
    "minValue",
    "dfaValues",
    "lossValues",
    "binMin",
    "binMax",
    "binContains",
    "qualifyingTokenIndex",
    "createdAt"
})
public record ActivationRow(
        String id,
        String[] tokens,
        double[] values,
        String index,
        String layer,
        String modelId,
        String creatorId,
        double maxValue,
        int maxValueTokenIndex,
        double minValue,
        double[] dfaValues,
        double[] lossValues,
        double binMin,
        double binMax,
        double binContains,
        int qualifyingTokenIndex,
        String createdAt) {}

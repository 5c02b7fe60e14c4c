package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Neuronpedia's {@code SourceSet} row: the named family of sources (one per layer). */
@JsonPropertyOrder({
    "modelId",
    "name",
    "creatorId",
    "creatorName",
    "description",
    "type",
    "urls",
    "visibility",
    "releaseName",
    "defaultRange",
    "defaultShowBreaks",
    "hasDashboards"
})
public record SourceSetRow(
        String modelId,
        String name,
        String creatorId,
        String creatorName,
        String description,
        String type,
        String[] urls,
        String visibility,
        String releaseName,
        int defaultRange,
        boolean defaultShowBreaks,
        boolean hasDashboards) {}

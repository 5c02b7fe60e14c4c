package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Neuronpedia's {@code SourceRelease} row: the release grouping the source set, named like it. */
@JsonPropertyOrder({
    "name",
    "version",
    "isNewUi",
    "featured",
    "descriptionShort",
    "description",
    "urls",
    "creatorNameShort",
    "creatorName",
    "creatorId",
    "visibility",
    "defaultSourceSetName",
    "defaultSourceName",
    "createdAt"
})
public record ReleaseRow(
        String name,
        String version,
        boolean isNewUi,
        boolean featured,
        String descriptionShort,
        String description,
        String[] urls,
        String creatorNameShort,
        String creatorName,
        String creatorId,
        String visibility,
        String defaultSourceSetName,
        String defaultSourceName,
        String createdAt) {}

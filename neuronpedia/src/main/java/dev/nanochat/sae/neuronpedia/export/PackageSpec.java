package dev.nanochat.sae.neuronpedia.export;

import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import java.time.Instant;

/**
 * Who and what a package describes beyond the dashboards: the model's shape on Neuronpedia (layers,
 * residual width, MLP neurons per layer), the creator recorded in every row, visibility, and how rows
 * are split into files. {@code createdAt} is fixed once so a rebuilt package is byte-identical.
 */
public record PackageSpec(
        String modelId,
        String sourceSetName,
        int modelLayers,
        int dModel,
        int neuronsPerLayer,
        String creatorId,
        String creatorName,
        String visibility,
        String description,
        int featuresPerFile,
        int dashboardBatchSize,
        Instant createdAt) {
    /** Neuronpedia's own "public" creator placeholder; a self-hosted import maps it to its admin user. */
    public static final String DEFAULT_CREATOR_ID = "nanochat-sae";

    public PackageSpec {
        NeuronpediaIds.modelId(modelId);
        NeuronpediaIds.sourceSetName(sourceSetName);
        if (modelLayers < 1 || modelLayers > 127)
            throw new IllegalArgumentException("model layers must be 1..127 (Neuronpedia's limit), got " + modelLayers);
        if (!visibility.equals("PUBLIC") && !visibility.equals("UNLISTED") && !visibility.equals("PRIVATE"))
            throw new IllegalArgumentException(
                    "visibility must be PUBLIC, UNLISTED or PRIVATE, got '" + visibility + "'");
        if (description != null && description.length() > 128)
            throw new IllegalArgumentException(
                    "source set description has " + description.length() + " characters; Neuronpedia allows 128");
        if (featuresPerFile < 1 || dashboardBatchSize < 1)
            throw new IllegalArgumentException("featuresPerFile and dashboardBatchSize must be ≥ 1");
    }

    public static PackageSpec of(String modelId, String sourceSetName, int modelLayers, int dModel) {
        return new PackageSpec(
                modelId,
                sourceSetName,
                modelLayers,
                dModel,
                4 * dModel,
                DEFAULT_CREATOR_ID,
                "nanochat-sae",
                "PUBLIC",
                "SAEs trained with nanochat-sae",
                1024,
                128,
                Instant.now());
    }

    public PackageSpec withCreatedAt(Instant t) {
        return new PackageSpec(
                modelId,
                sourceSetName,
                modelLayers,
                dModel,
                neuronsPerLayer,
                creatorId,
                creatorName,
                visibility,
                description,
                featuresPerFile,
                dashboardBatchSize,
                t);
    }
}

package dev.nanochat.sae.neuronpedia.export;

import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one package is built from: the checkpoint's SAELens folder, its dashboards, the spec, the
 * evaluator's metrics (names as in sae.md; empty when not evaluated) and the training tokens seen.
 * {@code checkpoint} is a free label for the card (e.g. "run r1 step 2000").
 */
public record PackageRequest(
        Path saeDir,
        SaeDashboards dashboards,
        PackageSpec spec,
        Map<String, Double> metrics,
        long trainingTokens,
        String checkpoint) {
    public PackageRequest {
        if (!spec.modelId().equals(dashboards.modelId())
                || !spec.sourceSetName().equals(dashboards.sourceSetName()))
            throw new IllegalArgumentException("spec is for " + spec.modelId() + "/" + spec.sourceSetName()
                    + " but the dashboards are for " + dashboards.modelId() + "/" + dashboards.sourceSetName());
        metrics = Map.copyOf(metrics == null ? Map.of() : metrics);
    }
}

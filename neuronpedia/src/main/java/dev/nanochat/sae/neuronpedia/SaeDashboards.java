package dev.nanochat.sae.neuronpedia;

import java.util.List;

/**
 * Every feature dashboard of one SAE plus where it lives on Neuronpedia: model id, source set, layer
 * (so the source id is {@code {layer}-{sourceSetName}}), the hook, and the analysed data
 * ({@code dataset}, {@code nPromptsTotal} windows of {@code nTokensInPrompt} tokens).
 */
public record SaeDashboards(
        String modelId,
        String sourceSetName,
        int layer,
        String hookName,
        String dataset,
        int nPromptsTotal,
        int nTokensInPrompt,
        int dSae,
        List<FeatureDashboard> features) {

    public SaeDashboards {
        NeuronpediaIds.modelId(modelId);
        NeuronpediaIds.sourceSetName(sourceSetName);
        if (layer < 0) throw new InvalidIdException("layer must be ≥ 0, got " + layer);
        features = List.copyOf(features);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (FeatureDashboard f : features) {
            if (f.index() >= dSae)
                throw new IllegalArgumentException("feature index " + f.index() + " ≥ d_sae " + dSae);
            if (!seen.add(f.index()))
                throw new IllegalArgumentException("feature index " + f.index() + " appears twice");
        }
    }

    public String sourceId() {
        return NeuronpediaIds.sourceId(layer, sourceSetName);
    }

    public List<FeatureDashboard> live() {
        return features.stream().filter(f -> !f.isDead()).toList();
    }

    /** Latents with nothing to show: dead ones and any the analysis did not cover, ascending. */
    public List<Integer> deadIndexes() {
        boolean[] live = new boolean[dSae];
        for (FeatureDashboard f : live()) live[f.index()] = true;
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < dSae; i++) if (!live[i]) out.add(i);
        return out;
    }
}

package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.io.SaeLensFolder;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.file.Path;

/**
 * The checkpoint's SAELens folder, re-written for sharing: same weights (sae-core's writer, so the
 * same shape checks), cfg.json {@code metadata.neuronpedia_id = "{modelId}/{sourceId}"}, model, hook,
 * context size, prepend_bos and dataset filled in, and a {@code sparsity.safetensors}: the
 * checkpoint's own if it has one, else log10 of the dashboards' densities (−10 for a latent that
 * never fired, SAELens' floor for "dead").
 */
public final class SaeLensPackage {
    static final float DEAD_LOG10 = -10f;

    private SaeLensPackage() {}

    /** Writes {@code dir} and returns the cfg.json written (also recorded in source.jsonl). */
    public static ObjectNode write(Path checkpointDir, Path dir, SaeDashboards d) {
        SaeLensFolder.Contents c = SaeLensFolder.read(checkpointDir);
        if (c.dSae() != d.dSae())
            throw new IllegalArgumentException("checkpoint " + checkpointDir + " has d_sae " + c.dSae()
                    + " but the dashboards describe " + d.dSae() + " features");
        ObjectNode cfg = c.cfg().deepCopy();
        ObjectNode meta = cfg.with("metadata");
        meta.put("neuronpedia_id", NeuronpediaIds.neuronpediaId(d.modelId(), d.sourceId()));
        if (!meta.path("model_name").isTextual()) meta.put("model_name", d.modelId());
        meta.put("hook_name", d.hookName());
        if (!meta.path("context_size").canConvertToInt() && d.nTokensInPrompt() > 0)
            meta.put("context_size", d.nTokensInPrompt());
        if (!meta.has("prepend_bos")) meta.put("prepend_bos", true);
        if (!meta.path("dataset_path").isTextual()
                || meta.path("dataset_path").asText().isEmpty()) meta.put("dataset_path", d.dataset());
        float[] sparsity = c.sparsityOrNull() != null ? c.sparsityOrNull() : log10Density(d);
        SaeLensFolder.write(dir, cfg, c.weights(), sparsity);
        return cfg;
    }

    static float[] log10Density(SaeDashboards d) {
        float[] s = new float[d.dSae()];
        java.util.Arrays.fill(s, DEAD_LOG10);
        for (FeatureDashboard f : d.features()) {
            if (f.fracNonzero() > 0) s[f.index()] = (float) Math.max(DEAD_LOG10, Math.log10(f.fracNonzero()));
        }
        return s;
    }
}

package dev.nanochat.sae.viz.service;

import dev.nanochat.sae.eval.ModelLocator;
import dev.nanochat.sae.features.TokenText;
import dev.nanochat.sae.features.Unembedding;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an analysis needs from the nanochat model: its unembedding (lm_head) and token strings, loaded
 * once per model id and cached (a few MB for the demo model). A model that cannot be found fails the
 * analysis with the locator's reasons.
 */
@ApplicationScoped
public class ModelAssets {
    /** Unembedding and token table of one model. */
    public record Assets(ModelCheckpoint ref, Unembedding unembedding, TokenText text) {}

    @Inject
    VizConfig config;

    private final Map<String, Assets> cache = new ConcurrentHashMap<>();

    public Assets of(String modelId) {
        return cache.computeIfAbsent(modelId, this::load);
    }

    private Assets load(String modelId) {
        ModelLocator.Located loc = new ModelLocator(config.modelRoots()).locate(modelId);
        if (!loc.found()) {
            throw new IllegalArgumentException("model " + modelId + " not found: " + loc.reason());
        }
        ModelCheckpoint ref = loc.ref();
        if (!Files.isRegularFile(ref.tokenizerDir().resolve("tokenizer.pkl"))) {
            throw new IllegalArgumentException("model " + modelId + " has no tokenizer at " + ref.tokenizerDir());
        }
        return new Assets(ref, Unembedding.of(ref), TokenText.of(Tokenizer.load(ref.tokenizerDir())));
    }
}

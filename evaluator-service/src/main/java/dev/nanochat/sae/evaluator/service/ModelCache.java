package dev.nanochat.sae.evaluator.service;

import ai.djl.Device;
import dev.nanochat.sae.eval.ModelLocator;
import dev.nanochat.sae.nanochat.Gpt;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Keeps the most recently used nanochat model loaded: checkpoints of one run all use the same model,
 * and loading it per evaluation would dominate the cost. Used from the single checkpoint consumer thread.
 */
@ApplicationScoped
public class ModelCache {
    private static final Logger LOG = Logger.getLogger(ModelCache.class);

    /** A loaded model, or why the spliced metrics cannot be computed. */
    public record Lookup(Gpt gpt, String reason) {}

    private final EvaluatorConfig config;

    ModelCache(EvaluatorConfig config) {
        this.config = config;
    }

    private String loadedId;
    private Gpt loaded;

    public synchronized Lookup get(String modelId) {
        if (loaded != null && loadedId.equals(modelId)) {
            return new Lookup(loaded, null);
        }
        ModelLocator.Located located = new ModelLocator(config.modelRoots()).locate(modelId);
        if (!located.found()) {
            return new Lookup(null, located.reason());
        }
        close();
        try {
            loaded = Gpt.load(located.ref(), Device.cpu());
            loadedId = modelId;
            LOG.infof(
                    "loaded model %s from %s for spliced evaluation",
                    modelId, located.ref().modelFile());
            return new Lookup(loaded, null);
        } catch (RuntimeException e) {
            return new Lookup(null, "model " + modelId + " cannot be loaded: " + e.getMessage());
        }
    }

    @PreDestroy
    synchronized void close() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
            loadedId = null;
        }
    }
}

package dev.nanochat.sae.viz.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Which attached SAE a Neuronpedia (modelId, source) pair names. A small seam of the runtime API so
 * the viz registry of SAEs can answer it later; {@link FolderSaeSources} answers it from the SAE
 * folders the runtime loaded.
 */
public interface SaeSources {
    /** One SAE: its runtime index and Neuronpedia ids (source = {@code <layer>-<set>}). */
    record Source(int sae, String modelId, String source, String hook, int dSae) {
        /** The set name: the source id after its layer prefix. */
        public String set() {
            int dash = source.indexOf('-');
            return dash < 0 ? source : source.substring(dash + 1);
        }
    }

    List<Source> all();

    /** Each feature's density (fraction of tokens it fires on), when known for this SAE. */
    default Optional<double[]> densities(Source source) {
        return Optional.empty();
    }

    default Optional<Source> find(String modelId, String source) {
        return all().stream()
                .filter(s -> s.modelId().equals(modelId) && s.source().equals(source))
                .findFirst();
    }
}

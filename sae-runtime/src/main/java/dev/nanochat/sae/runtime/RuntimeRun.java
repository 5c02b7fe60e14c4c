package dev.nanochat.sae.runtime;

import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.Generator;
import java.util.Map;

/**
 * What one runtime call produced: the feature traces of the tracked SAEs (keyed by SAE index), and
 * either the forward's captures/logits or the generation's tokens and per-step logits.
 */
public record RuntimeRun(Map<Integer, FeatureTrace> traces, ForwardResult forward, Generator.Generation generation) {
    public RuntimeRun {
        traces = Map.copyOf(traces);
    }

    public FeatureTrace trace(int sae) {
        FeatureTrace t = traces.get(sae);
        if (t == null)
            throw new IllegalArgumentException("SAE " + sae + " was not tracked (tracked: " + traces.keySet() + ")");
        return t;
    }
}

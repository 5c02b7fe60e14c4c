package dev.nanochat.sae.nanochat;

import java.util.Map;
import java.util.Set;

/**
 * What a forward pass should do: which hooks to copy out, which to intervene on, and whether logits
 * are needed (when not, the pass stops after the last layer any capture needs).
 */
public record ForwardOptions(Set<HookPoint> capture, Map<HookPoint, Intervention> interventions, boolean logits) {
    public ForwardOptions {
        capture = Set.copyOf(capture == null ? Set.of() : capture);
        interventions = Map.copyOf(interventions == null ? Map.of() : interventions);
        if (!logits && capture.isEmpty())
            throw new IllegalArgumentException("a forward without logits must capture at least one hook");
    }

    public static ForwardOptions logitsOnly() {
        return new ForwardOptions(Set.of(), Map.of(), true);
    }

    public static ForwardOptions captureOnly(Set<HookPoint> hooks) {
        return new ForwardOptions(hooks, Map.of(), false);
    }

    /** Deepest layer whose hooks are captured, or -1. */
    int lastCapturedLayer() {
        return capture.stream().mapToInt(HookPoint::layer).max().orElse(-1);
    }
}

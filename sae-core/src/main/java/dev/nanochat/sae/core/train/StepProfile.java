package dev.nanochat.sae.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per phase of the sparse training step, for `sae bench train --breakdown`: where the time
 * beyond the encoder GEMM goes. Off unless {@link #enable}d (then one nanoTime per phase); one step
 * runs at a time per JVM in the benchmark, so a plain static map is enough.
 */
public final class StepProfile {
    private static volatile boolean enabled;
    private static final Map<String, long[]> NANOS = new LinkedHashMap<>();
    private static long last;

    private StepProfile() {}

    public static void enable() {
        enabled = true;
    }

    /** Starts timing a step (the next {@link #lap} measures from here). */
    public static void start() {
        if (enabled) last = System.nanoTime();
    }

    /** Charges the time since the last lap (or start) to {@code phase}. */
    public static void lap(String phase) {
        if (!enabled) return;
        long now = System.nanoTime();
        synchronized (NANOS) {
            NANOS.computeIfAbsent(phase, k -> new long[1])[0] += now - last;
        }
        last = now;
    }

    /** Accumulated milliseconds per phase, in first-seen order; clears them. */
    public static Map<String, Double> drainMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        synchronized (NANOS) {
            NANOS.forEach((k, v) -> out.put(k, v[0] / 1e6));
            NANOS.clear();
        }
        return out;
    }
}

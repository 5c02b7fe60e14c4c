package dev.nanochat.sae.runtime;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to record while the model runs: for the SAEs in {@code saes} (indices; empty = none), the top
 * {@code topN} active features per token (0 = off), and for SAEs in {@code chosen} the values of the
 * listed features at every token. SAEs that are neither tracked nor clamped are never encoded.
 * {@code keepDense} also keeps every host code row (top-N only), so any feature's value at any token can
 * be read afterwards (search-all ranks over the whole text without a second forward).
 */
public record TrackSpec(int topN, Set<Integer> saes, Map<Integer, int[]> chosen, boolean keepDense) {
    public TrackSpec {
        if (topN < 0) throw new IllegalArgumentException("topN must be >= 0, got " + topN);
        saes = Set.copyOf(saes == null ? Set.of() : saes);
        chosen = Map.copyOf(chosen == null ? Map.of() : chosen);
        if (keepDense && topN == 0) throw new IllegalArgumentException("keepDense needs topN > 0");
    }

    public TrackSpec(int topN, Set<Integer> saes, Map<Integer, int[]> chosen) {
        this(topN, saes, chosen, false);
    }

    public static TrackSpec none() {
        return new TrackSpec(0, Set.of(), Map.of());
    }

    /** Top-N features per token at each of the given SAEs. */
    public static TrackSpec topN(int n, Set<Integer> saes) {
        return new TrackSpec(n, saes, Map.of());
    }

    /** Values of chosen features of one SAE at every token. */
    public static TrackSpec features(int sae, int... features) {
        Map<Integer, int[]> m = new TreeMap<>();
        m.put(sae, features.clone());
        return new TrackSpec(0, Set.of(sae), m);
    }

    boolean tracks(int sae) {
        return saes.contains(sae) && (topN > 0 || chosen.containsKey(sae));
    }

    int[] chosenOf(int sae) {
        return chosen.getOrDefault(sae, new int[0]);
    }
}

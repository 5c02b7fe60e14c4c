package dev.nanochat.sae.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Neuronpedia's two read tools on custom text: one feature's activations ("activation testing") and
 * the features that fire most across chosen SAEs ("search via inference", search-all).
 *
 * <p>Design: one forward without logits (it stops after the deepest chosen hook). For search-all the
 * traces keep each hook call's dense host codes, so every feature is ranked over the whole text from
 * that single copy — by its maximum over tokens, or by its summed value at {@code sortIndexes} — and the
 * winners' per-token values are read from it without a second forward.
 */
public final class FeatureSearch {
    /** One feature over the text; maxValueIndex is the first token where it peaks. */
    public record Hit(int sae, int feature, float[] values, float maxValue, int maxValueIndex) {}

    private final SaeRuntime rt;

    public FeatureSearch(SaeRuntime rt) {
        this.rt = rt;
    }

    /** Values of one feature at every token of {@code ids}. */
    public Hit activation(int[] ids, int sae, int feature) {
        rt.sae(sae).checkFeature(feature);
        RuntimeRun run = rt.forward(ids, TrackSpec.features(sae, feature), List.of(), Set.of(), false);
        float[] values = run.trace(sae).chosenSeries(0);
        return hit(sae, feature, values, 0);
    }

    /**
     * The {@code numResults} features with the highest score across {@code saes}; with ignoreBos the first
     * token (<|bos|>) is left out of scores and reported as 0. Only features that fire (score > 0) are returned.
     */
    public List<Hit> searchAll(int[] ids, List<Integer> saes, int numResults, boolean ignoreBos, int[] sortIndexes) {
        return searchAll(ids, saes, numResults, ignoreBos, sortIndexes, (sae, feature) -> true);
    }

    /** Which (sae, feature) may be ranked at all (Neuronpedia's densityThreshold leaves out dense features). */
    @FunctionalInterface
    public interface Candidates {
        boolean allowed(int sae, int feature);
    }

    /** As above, ranking only the features {@code candidates} allows. */
    public List<Hit> searchAll(
            int[] ids,
            List<Integer> saes,
            int numResults,
            boolean ignoreBos,
            int[] sortIndexes,
            Candidates candidates) {
        if (numResults < 1) throw new IllegalArgumentException("numResults must be >= 1, got " + numResults);
        int from = ignoreBos ? 1 : 0;
        for (int t : sortIndexes) {
            if (t < from || t >= ids.length) {
                throw new IllegalArgumentException(
                        "sort index " + t + " is outside the text's tokens " + from + ".." + (ids.length - 1));
            }
        }
        RuntimeRun run =
                rt.forward(ids, new TrackSpec(1, Set.copyOf(saes), Map.of(), true), List.of(), Set.of(), false);
        // Min-heap of the best (score, sae, feature) so far.
        PriorityQueue<float[]> best = new PriorityQueue<>(Comparator.comparingDouble(a -> a[0]));
        for (int s : saes) {
            FeatureTrace trace = run.trace(s);
            int n = rt.sae(s).dSae();
            for (int f = 0; f < n; f++) {
                if (!candidates.allowed(s, f)) continue;
                float score = 0;
                if (sortIndexes.length == 0) {
                    for (int t = from; t < ids.length; t++) score = Math.max(score, trace.value(t, f));
                } else {
                    for (int t : sortIndexes) score += trace.value(t, f);
                }
                if (!(score > 0)) continue;
                if (best.size() < numResults) best.add(new float[] {score, s, f});
                else if (score > best.peek()[0]) {
                    best.poll();
                    best.add(new float[] {score, s, f});
                }
            }
        }
        List<float[]> ranked = new ArrayList<>(best);
        ranked.sort(Comparator.<float[]>comparingDouble(a -> -a[0])
                .thenComparingDouble(a -> a[1])
                .thenComparingDouble(a -> a[2]));
        List<Hit> out = new ArrayList<>();
        for (float[] r : ranked) {
            int s = (int) r[1], f = (int) r[2];
            float[] values = new float[ids.length];
            for (int t = from; t < ids.length; t++) values[t] = run.trace(s).value(t, f);
            out.add(hit(s, f, values, from));
        }
        return out;
    }

    private static Hit hit(int sae, int feature, float[] values, int from) {
        int arg = from < values.length ? from : 0;
        for (int t = from; t < values.length; t++) if (values[t] > values[arg]) arg = t;
        return new Hit(sae, feature, values, values.length == 0 ? 0 : values[arg], arg);
    }
}

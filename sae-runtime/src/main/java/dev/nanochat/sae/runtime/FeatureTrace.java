package dev.nanochat.sae.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The features one SAE saw at every position fed through the model, in order (a forward's T tokens;
 * during generation the prompt, then one row per decoded token). Design: each hook call copies the
 * codes [B·T, d_sae] to the host once, or, when only chosen features are tracked, gathers those
 * columns on the device first so only [B·T, k] floats cross; top-N runs on that one host array.
 */
public final class FeatureTrace {
    /** One position: active top-N features (descending values) and the chosen features' values. */
    public record Position(int[] indices, float[] values, float[] chosen) {}

    private final AttachedSae sae;
    private final int topN;
    private final int[] chosen;
    private final List<Position> positions = new ArrayList<>();
    private final boolean keepDense;
    /** With keepDense: the host code arrays of each hook call and the first position each holds. */
    private final List<float[]> dense = new ArrayList<>();

    private final List<Integer> denseStart = new ArrayList<>();

    FeatureTrace(AttachedSae sae, int topN, int[] chosen, boolean keepDense) {
        this.sae = sae;
        this.topN = topN;
        this.chosen = chosen.clone();
        this.keepDense = keepDense;
    }

    /** f_feature at position t (needs keepDense). */
    public float value(int t, int feature) {
        if (!keepDense) throw new IllegalStateException("dense codes were not kept for SAE '" + sae.id() + "'");
        sae.checkFeature(feature);
        int chunk = denseStart.size() - 1;
        while (denseStart.get(chunk) > t) chunk--;
        return dense.get(chunk)[(t - denseStart.get(chunk)) * sae.dSae() + feature];
    }

    public AttachedSae sae() {
        return sae;
    }

    /** The features whose values {@link Position#chosen()} holds, in that order. */
    public int[] chosenFeatures() {
        return chosen.clone();
    }

    public int size() {
        return positions.size();
    }

    public Position position(int t) {
        return positions.get(t);
    }

    public List<Position> positions() {
        return java.util.Collections.unmodifiableList(positions);
    }

    /** Values of chosen feature number {@code k} (in {@link #chosenFeatures()}) at every position. */
    public float[] chosenSeries(int k) {
        float[] out = new float[positions.size()];
        for (int t = 0; t < out.length; t++) out[t] = positions.get(t).chosen()[k];
        return out;
    }

    /** Records codes z [..., d_sae] of one hook call; {@code chosenIdx} is the chosen columns on z's device. */
    void append(NDArray z, NDArray chosenIdx) {
        int n = sae.dSae();
        if (topN > 0) {
            float[] host = z.toFloatArray();
            int rows = host.length / n;
            if (keepDense) {
                dense.add(host);
                denseStart.add(positions.size());
            }
            for (int r = 0; r < rows; r++) {
                int[] idx = new int[topN];
                float[] val = new float[topN];
                int found = TopN.select(host, r * n, n, idx, val);
                float[] picked = new float[chosen.length];
                for (int k = 0; k < chosen.length; k++) picked[k] = host[r * n + chosen[k]];
                positions.add(new Position(Arrays.copyOf(idx, found), Arrays.copyOf(val, found), picked));
            }
        } else {
            float[] host = z.get(new NDIndex("..., {}", chosenIdx)).toFloatArray();
            int k = chosen.length, rows = host.length / k;
            for (int r = 0; r < rows; r++) {
                positions.add(new Position(new int[0], new float[0], Arrays.copyOfRange(host, r * k, r * k + k)));
            }
        }
    }
}

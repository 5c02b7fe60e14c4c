package dev.nanochat.sae.nanochat;

import java.util.Collections;
import java.util.Map;

/**
 * Host copies of a forward pass: captured activations ([B,T,C] row-major each) and logits
 * ([B,T,V] row-major) when requested.
 */
public final class ForwardResult {
    private final int batch;
    private final int time;
    private final ModelConfig config;
    private final Map<HookPoint, float[]> activations;
    private final float[] logits;

    ForwardResult(int batch, int time, ModelConfig config, Map<HookPoint, float[]> activations, float[] logits) {
        this.batch = batch;
        this.time = time;
        this.config = config;
        this.activations = Collections.unmodifiableMap(activations);
        this.logits = logits;
    }

    public int batch() {
        return batch;
    }

    public int time() {
        return time;
    }

    public Map<HookPoint, float[]> activations() {
        return activations;
    }

    public float[] activations(HookPoint hook) {
        float[] a = activations.get(hook);
        if (a == null)
            throw new IllegalArgumentException(
                    "hook " + hook + " was not captured (captured: " + activations.keySet() + ")");
        return a;
    }

    public float[] logits() {
        if (logits == null) throw new IllegalStateException("logits were not requested in this forward");
        return logits;
    }

    /**
     * Mean cross-entropy (natural log) over all B·T positions of predicting {@code targets[b][t]}
     * from logits at [b,t]; targets < 0 are ignored (as nanochat's ignore_index=-1).
     */
    public double crossEntropy(int[][] targets) {
        float[] l = logits();
        int v = config.vocabSize();
        double sum = 0;
        long n = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int y = targets[b][t];
                if (y < 0) continue;
                if (y >= v)
                    throw new IllegalArgumentException(
                            "target id " + y + " at [" + b + "," + t + "] is outside the vocabulary of " + v);
                int off = (b * time + t) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) max = Math.max(max, l[off + j]);
                double z = 0;
                for (int j = 0; j < v; j++) z += Math.exp(l[off + j] - max);
                sum += Math.log(z) + max - l[off + y];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}

package dev.nanochat.sae.nanochat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a {@link KvCache}: one prefill pass over the prompt, then one
 * token per pass at rotary offset = tokens so far. Interventions (steering) and captures apply on
 * every pass, so hooks are live during generation. Single sequence (B = 1).
 */
public final class Generator {
    private final Gpt gpt;

    public Generator(Gpt gpt) {
        this.gpt = gpt;
    }

    /** What one generation produced: the new tokens and the logits row [V] that chose each. */
    public record Generation(int[] tokens, List<float[]> stepLogits, boolean stopped) {}

    public Generation generate(int[] prompt, SamplingOptions opts, Map<HookPoint, Intervention> interventions, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("prompt must hold at least one token (e.g. <|bos|>)");
        Random rng = new Random(opts.seed());
        ForwardOptions fwd = new ForwardOptions(java.util.Set.of(), interventions, true);
        int v = gpt.config().vocabSize();
        List<Integer> out = new ArrayList<>();
        List<float[]> logitsPerStep = new ArrayList<>();
        boolean stopped = false;
        try (KvCache cache = new KvCache(gpt.manager(), gpt.config().nLayer())) {
            int[] next = prompt;
            for (int step = 0; step < opts.maxTokens(); step++) {
                float[] logits = gpt.forward(new int[][] {next}, fwd, cache).logits();
                float[] last = Arrays.copyOfRange(logits, logits.length - v, logits.length);
                int token = sample(last, opts, rng);
                logitsPerStep.add(last);
                if (opts.stopTokens().contains(token)) {
                    stopped = true;
                    break;
                }
                out.add(token);
                if (onToken != null) onToken.accept(token);
                next = new int[] {token};
            }
        }
        return new Generation(out.stream().mapToInt(Integer::intValue).toArray(), logitsPerStep, stopped);
    }

    /** argmax at temperature 0; else keep the top-k logits, softmax(l/T) and draw one. */
    static int sample(float[] logits, SamplingOptions opts, Random rng) {
        if (opts.temperature() == 0f) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }
        float cutoff = Float.NEGATIVE_INFINITY;
        if (opts.topK() > 0 && opts.topK() < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[sorted.length - opts.topK()];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] >= cutoff) {
                p[i] = Math.exp((logits[i] - max) / opts.temperature());
                z += p[i];
            }
        }
        double u = rng.nextDouble() * z;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u <= 0 && p[i] > 0) return i;
        }
        for (int i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
        throw new IllegalStateException("no token has positive probability");
    }
}

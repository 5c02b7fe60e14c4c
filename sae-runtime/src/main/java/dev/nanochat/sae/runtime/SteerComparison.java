package dev.nanochat.sae.runtime;

import dev.nanochat.sae.nanochat.SamplingOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Neuronpedia's steering tool: the DEFAULT (unsteered) and STEERED continuations of one prompt from the
 * same seed, so every difference comes from the edits; optionally the log-probabilities of each emitted
 * token with the top alternatives (natural log of the model's softmax, before temperature).
 */
public final class SteerComparison {
    /** One emitted token's log-probability and the {@code top} most likely tokens at that step. */
    public record TokenLogProb(int token, float logprob, int[] topTokens, float[] topLogprobs) {}

    /** One continuation: its new tokens and (if asked) their log-probabilities. */
    public record Completion(int[] tokens, List<TokenLogProb> logprobs) {}

    public record Result(Completion defaults, Completion steered) {}

    /** Called with each token as it is generated: the default continuation first, then the steered one. */
    @FunctionalInterface
    public interface Listener {
        void token(boolean steered, int token);
    }

    private final SaeRuntime rt;

    public SteerComparison(SaeRuntime rt) {
        this.rt = rt;
    }

    /** {@code topLogprobs} = 0 skips log-probabilities. */
    public Result run(int[] prompt, SamplingOptions opts, List<FeatureEdit> edits, int topLogprobs, Listener listener) {
        if (topLogprobs < 0) throw new IllegalArgumentException("topLogprobs must be >= 0, got " + topLogprobs);
        Completion def = one(prompt, opts, List.of(), topLogprobs, listener, false);
        Completion steered = one(prompt, opts, edits, topLogprobs, listener, true);
        return new Result(def, steered);
    }

    private Completion one(
            int[] prompt, SamplingOptions opts, List<FeatureEdit> edits, int top, Listener l, boolean steered) {
        RuntimeRun run =
                rt.generate(prompt, opts, TrackSpec.none(), edits, l == null ? null : t -> l.token(steered, t));
        int[] tokens = run.generation().tokens();
        List<TokenLogProb> lps = new ArrayList<>();
        if (top > 0) {
            for (int i = 0; i < tokens.length; i++)
                lps.add(logProb(run.generation().stepLogits().get(i), tokens[i], top));
        }
        return new Completion(tokens, lps);
    }

    static TokenLogProb logProb(float[] logits, int token, int top) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) z += Math.exp(v - max);
        double logZ = max + Math.log(z);
        int[] idx = new int[Math.min(top, logits.length)];
        float[] val = new float[idx.length];
        // Shift to positive so TopN's "only positive values" rule keeps every candidate.
        float[] shifted = new float[logits.length];
        for (int i = 0; i < logits.length; i++) shifted[i] = (float) (logits[i] - max + 1e3);
        int found = TopN.select(shifted, 0, shifted.length, idx, val);
        float[] lp = new float[found];
        for (int k = 0; k < found; k++) lp[k] = (float) (logits[idx[k]] - logZ);
        return new TokenLogProb(token, (float) (logits[token] - logZ), java.util.Arrays.copyOf(idx, found), lp);
    }
}

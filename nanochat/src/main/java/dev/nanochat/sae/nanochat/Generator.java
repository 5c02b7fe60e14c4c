package dev.nanochat.sae.nanochat;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a {@link KvCache}: one prefill pass over the prompt, then one
 * token per pass at rotary offset = tokens so far. Interventions (steering) and captures apply on
 * every pass, so hooks are live during generation. One sequence, or B prompts of equal length
 * batched. The cache is preallocated for prompt + maxTokens positions, and each pass computes the
 * unembedding for the last position only.
 */
public final class Generator {
    private final Gpt gpt;

    public Generator(Gpt gpt) {
        this.gpt = gpt;
    }

    /** What one generation produced: the new tokens and the logits row [V] that chose each. */
    public record Generation(int[] tokens, List<float[]> stepLogits, boolean stopped) {}

    public Generation generate(
            int[] prompt, SamplingOptions opts, Map<HookPoint, Intervention> interventions, IntConsumer onToken) {
        if (prompt.length == 0)
            throw new IllegalArgumentException("prompt must hold at least one token (e.g. <|bos|>)");
        return generate(
                new int[][] {prompt},
                opts,
                interventions,
                onToken == null ? null : (row, token) -> onToken.accept(token))[0];
    }

    /** Receives each row's new token as it is sampled. */
    @FunctionalInterface
    public interface RowTokenConsumer {
        void accept(int row, int token);
    }

    /**
     * Generates for B prompts of equal length at once (one batched pass per step; rows share the
     * rotary offset, so prompts are not padded). A row that met a stop token stops collecting
     * while the others go on; the pass ends when every row stopped or at {@code maxTokens}.
     * Each row draws from its own Random(seed + row), so row 0 matches the single-prompt call.
     */
    public Generation[] generate(
            int[][] prompts,
            SamplingOptions opts,
            Map<HookPoint, Intervention> interventions,
            RowTokenConsumer onToken) {
        int b = prompts.length;
        if (b == 0 || prompts[0].length == 0)
            throw new IllegalArgumentException("prompts must hold at least one token each (e.g. <|bos|>)");
        int t0 = prompts[0].length;
        int v = gpt.config().vocabSize();
        int[] flat = new int[b * t0];
        for (int r = 0; r < b; r++) {
            if (prompts[r].length != t0)
                throw new IllegalArgumentException(
                        "prompt " + r + " has " + prompts[r].length + " tokens, expected " + t0 + " (equal lengths)");
            for (int j = 0; j < t0; j++) {
                int id = prompts[r][j];
                if (id < 0 || id >= v)
                    throw new IllegalArgumentException(
                            "token id " + id + " at [" + r + "," + j + "] is outside the vocabulary of " + v);
                flat[r * t0 + j] = id;
            }
        }
        ForwardOptions fwd = new ForwardOptions(java.util.Set.of(), interventions, true);
        Random[] rng = new Random[b];
        List<List<Integer>> out = new ArrayList<>();
        List<List<float[]>> logitsPerStep = new ArrayList<>();
        boolean[] stopped = new boolean[b];
        // Token counts per row (prompt + generated) for the frequency penalty; none when it is off.
        int[][] counts = opts.freqPenalty() == 0f ? null : new int[b][v];
        for (int r = 0; r < b; r++) {
            if (counts != null) for (int id : prompts[r]) counts[r][id]++;
            rng[r] = new Random(opts.seed() + r);
            out.add(new ArrayList<>());
            logitsPerStep.add(new ArrayList<>());
        }
        int live = b;
        boolean fewThreads = singleThreadDecode(b);
        int threadsBefore = fewThreads ? JniUtils.getNumThreads() : 0;
        try (KvCache cache = new KvCache(gpt.manager(), gpt.config().nLayer(), t0 + opts.maxTokens())) {
            int[] next = flat;
            int t = t0;
            for (int step = 0; step < opts.maxTokens() && live > 0; step++) {
                if (step == 1 && fewThreads) JniUtils.setNumThreads(1); // the prefill ran with all threads
                // logits of the last position only: [B,1,V], the one host read per step
                float[] logits = gpt.forward(next, b, t, fwd, cache, true).logits();
                int[] tokens = new int[b];
                for (int r = 0; r < b; r++) {
                    if (stopped[r]) continue; // its slot still runs (fixed batch) but collects nothing
                    float[] last = Arrays.copyOfRange(logits, r * v, (r + 1) * v);
                    int token = counts == null ? sample(last, opts, rng[r]) : sample(last, opts, rng[r], counts[r]);
                    if (counts != null) counts[r][token]++;
                    logitsPerStep.get(r).add(last);
                    tokens[r] = token;
                    if (opts.stopTokens().contains(token)) {
                        stopped[r] = true;
                        live--;
                        continue;
                    }
                    out.get(r).add(token);
                    if (onToken != null) onToken.accept(r, token);
                }
                next = tokens;
                t = 1;
            }
        } finally {
            if (fewThreads) JniUtils.setNumThreads(threadsBefore);
        }
        Generation[] gens = new Generation[b];
        for (int r = 0; r < b; r++) {
            gens[r] = new Generation(
                    out.get(r).stream().mapToInt(Integer::intValue).toArray(), logitsPerStep.get(r), stopped[r]);
        }
        return gens;
    }

    /**
     * Decode steps of fewer FLOPs than this (B × the model's FLOPs per token) run libtorch's intra-op
     * work on the generating thread alone. Such a step is ~100 small ops, and on CPU each parallel
     * region must wake the other OpenMP threads, which sleep between regions (OMP_WAIT_POLICY=PASSIVE:
     * spinning threads would take the cores from the JVM's own threads). Measured with `sae bench
     * nanochat --generate` on 2 cores: 1 thread against 2 gave d4×256 b1 313 vs 269 tokens/s, b8 1,470
     * vs 1,095 (71 MFLOP/step); d12×768 b1 38.4 vs 31.4 (170 MFLOP/step), but b8 87.6 vs 127.9
     * (1.4 GFLOP/step). The prefill always uses every thread, and the count is restored afterwards.
     * Under OpenMP the count set here governs the calling thread's parallel regions; libtorch also
     * stores it in a process-wide value that threads initialising meanwhile may pick up (a speed
     * effect only: results do not depend on it beyond float rounding of reductions).
     * -Dsae.decodeSingleThreadFlops=0 turns this off.
     */
    static final double SINGLE_THREAD_STEP_FLOPS =
            Double.parseDouble(System.getProperty("sae.decodeSingleThreadFlops", "5e8"));

    private boolean singleThreadDecode(int batch) {
        if (!ai.djl.Device.Type.CPU.equals(gpt.manager().getDevice().getDeviceType())) return false;
        return batch * gpt.config().forwardFlopsPerToken(1) < SINGLE_THREAD_STEP_FLOPS && JniUtils.getNumThreads() > 1;
    }

    /**
     * With the frequency penalty, as TransformerLens' sample_logits: argmax at temperature 0 (no
     * penalty); else l/T − penalty · count, then top-k and softmax of that.
     */
    static int sample(float[] logits, SamplingOptions opts, Random rng, int[] counts) {
        if (opts.temperature() == 0f) return sample(logits, opts, rng);
        float[] adjusted = new float[logits.length];
        for (int i = 0; i < logits.length; i++)
            adjusted[i] = logits[i] / opts.temperature() - opts.freqPenalty() * counts[i];
        return sample(adjusted, new SamplingOptions(opts.maxTokens(), 1f, opts.topK(), opts.seed(), Set.of()), rng);
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

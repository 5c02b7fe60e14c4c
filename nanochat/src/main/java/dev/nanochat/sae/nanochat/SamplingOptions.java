package dev.nanochat.sae.nanochat;

import java.util.Set;

/**
 * Generation settings: temperature 0 = argmax, else top-k (0 = all) then softmax(logits/temperature)
 * sampling from a seeded RNG; stops after maxTokens or on any stop token (not emitted).
 *
 * {@code freqPenalty} is TransformerLens' frequency penalty (what Neuronpedia's steer passes through):
 * when sampling (temperature > 0), logits/T − freqPenalty · count(token in prompt and generated so far);
 * argmax ignores it, as there.
 */
public record SamplingOptions(
        int maxTokens, float temperature, int topK, long seed, Set<Integer> stopTokens, float freqPenalty) {
    public SamplingOptions {
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        if (!Float.isFinite(freqPenalty))
            throw new IllegalArgumentException("freqPenalty must be finite, got " + freqPenalty);
        stopTokens = Set.copyOf(stopTokens);
    }

    public SamplingOptions(int maxTokens, float temperature, int topK, long seed, Set<Integer> stopTokens) {
        this(maxTokens, temperature, topK, seed, stopTokens, 0f);
    }

    public SamplingOptions withTemperature(float t) {
        return new SamplingOptions(maxTokens, t, topK, seed, stopTokens, freqPenalty);
    }

    public SamplingOptions withFreqPenalty(float penalty) {
        return new SamplingOptions(maxTokens, temperature, topK, seed, stopTokens, penalty);
    }

    /** nanochat's stops: <|assistant_end|> and <|bos|>. */
    public static Set<Integer> nanochatStops(Tokenizer tok) {
        return Set.of(tok.specialId("<|assistant_end|>"), tok.bosId());
    }
}

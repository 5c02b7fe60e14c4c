package dev.nanochat.sae.nanochat;

import java.util.Set;

/**
 * Generation settings: temperature 0 = argmax, else top-k (0 = all) then softmax(logits/temperature)
 * sampling from a seeded RNG; stops after maxTokens or on any stop token (not emitted).
 */
public record SamplingOptions(int maxTokens, float temperature, int topK, long seed, Set<Integer> stopTokens) {
    public SamplingOptions {
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        stopTokens = Set.copyOf(stopTokens);
    }

    /** nanochat's stops: <|assistant_end|> and <|bos|>. */
    public static Set<Integer> nanochatStops(Tokenizer tok) {
        return Set.of(tok.specialId("<|assistant_end|>"), tok.bosId());
    }
}

package dev.nanochat.sae.train;

import java.util.List;

/**
 * A trained byte-level BPE vocabulary in tiktoken's terms.
 *
 * @param tokens       token bytes by rank: ranks 0..255 are the single bytes 0..255, then the
 *                     merges in the order they were learned (tiktoken's {@code mergeable_ranks})
 * @param mergeCounts  for rank 256+i, how often its pair occurred when it was merged (weighted by
 *                     chunk frequency); non-increasing, kept for reports and tests
 * @param pattern      the split regex ({@code pat_str})
 * @param specials     special tokens, which take the ids right after the last rank
 */
public record BpeVocabulary(List<byte[]> tokens, long[] mergeCounts, String pattern, List<String> specials) {
    public BpeVocabulary {
        tokens = List.copyOf(tokens);
        specials = List.copyOf(specials);
        if (tokens.size() < 256)
            throw new IllegalArgumentException("a byte-level vocabulary needs 256 byte tokens, got " + tokens.size());
        if (mergeCounts.length != tokens.size() - 256) {
            throw new IllegalArgumentException(
                    mergeCounts.length + " merge counts for " + (tokens.size() - 256) + " merges");
        }
    }

    /** Ordinary tokens plus specials: the model's vocab_size. */
    public int vocabSize() {
        return tokens.size() + specials.size();
    }

    public int merges() {
        return tokens.size() - 256;
    }
}

package dev.nanochat.sae.nanochat.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a tiktoken Encoding pickle: name, split regex, byte sequence of every mergeable
 * rank (index = rank), and special tokens (text → id, in file order).
 */
public record TokenizerData(String name, String patStr, byte[][] mergeableRanks, Map<String, Integer> specialTokens) {
    public TokenizerData {
        specialTokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        for (int r = 0; r < mergeableRanks.length; r++) {
            if (mergeableRanks[r] == null)
                throw new IllegalArgumentException("mergeable ranks have a gap at rank " + r);
        }
        for (Map.Entry<String, Integer> e : specialTokens.entrySet()) {
            if (e.getValue() < mergeableRanks.length) {
                throw new IllegalArgumentException(
                        "special token " + e.getKey() + " id " + e.getValue() + " collides with mergeable rank");
            }
        }
    }

    /** Ids span mergeable ranks then special tokens: max id + 1. */
    public int vocabSize() {
        int max = mergeableRanks.length - 1;
        for (int id : specialTokens.values()) max = Math.max(max, id);
        return max + 1;
    }
}

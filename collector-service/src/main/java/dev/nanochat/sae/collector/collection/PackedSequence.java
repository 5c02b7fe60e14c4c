package dev.nanochat.sae.collector.collection;

/**
 * One context window of packed tokens. Arrays have the window's length T (≤ the context size;
 * only the corpus' last window is shorter).
 *
 * @param tokens token ids [T]
 * @param docKeys corpus document key of each token [T] (stable across runs, see corpus Document.key)
 * @param eval whether each token's document is in the held-out split [T]
 */
public record PackedSequence(int[] tokens, long[] docKeys, boolean[] eval) {
    public int length() {
        return tokens.length;
    }
}

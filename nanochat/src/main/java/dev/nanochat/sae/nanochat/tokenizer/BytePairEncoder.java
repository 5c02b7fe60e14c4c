package dev.nanochat.sae.nanochat.tokenizer;

/**
 * tiktoken's `_byte_pair_merge` on one regex piece: start from single bytes, repeatedly merge the
 * adjacent pair whose concatenation has the lowest rank (leftmost on ties) until no adjacent pair is
 * in the vocabulary. A piece that is itself a vocabulary entry is one token without merging.
 */
public final class BytePairEncoder {
    private static final int NONE = Integer.MAX_VALUE;

    private final ByteRankTable ranks;

    public BytePairEncoder(byte[][] bytesByRank) {
        this.ranks = new ByteRankTable(bytesByRank);
    }

    /** Appends the tokens of piece[from, to) to out; returns the new size of out. */
    public int encode(byte[] piece, int from, int to, int[] out, int size) {
        int whole = ranks.rank(piece, from, to);
        if (whole >= 0) {
            out[size] = whole;
            return size + 1;
        }
        int len = to - from;
        // starts[i] = start offset of part i; pairRank[i] = rank of part i merged with part i+1.
        int[] starts = new int[len + 1];
        int[] pairRank = new int[len + 1];
        int parts = len + 1;
        for (int i = 0; i <= len; i++) starts[i] = from + i;
        for (int i = 0; i <= len; i++) pairRank[i] = i + 2 <= len ? rankOrNone(piece, starts[i], starts[i + 2]) : NONE;
        while (true) {
            int best = NONE, at = -1;
            for (int i = 0; i < parts - 1; i++) {
                if (pairRank[i] < best) {
                    best = pairRank[i];
                    at = i;
                }
            }
            if (at < 0) break;
            // Merge part at with at+1: remove boundary at+1, then refresh the ranks around it.
            System.arraycopy(starts, at + 2, starts, at + 1, parts - at - 2);
            System.arraycopy(pairRank, at + 2, pairRank, at + 1, parts - at - 2);
            parts--;
            pairRank[at] = at + 2 < parts ? rankOrNone(piece, starts[at], starts[at + 2]) : NONE;
            if (at > 0) pairRank[at - 1] = at + 1 < parts ? rankOrNone(piece, starts[at - 1], starts[at + 1]) : NONE;
        }
        for (int i = 0; i < parts - 1; i++) {
            int r = ranks.rank(piece, starts[i], starts[i + 1]);
            if (r < 0)
                throw new IllegalStateException("byte sequence without a rank: the vocabulary lacks single bytes");
            out[size++] = r;
        }
        return size;
    }

    private int rankOrNone(byte[] piece, int from, int to) {
        int r = ranks.rank(piece, from, to);
        return r < 0 ? NONE : r;
    }
}

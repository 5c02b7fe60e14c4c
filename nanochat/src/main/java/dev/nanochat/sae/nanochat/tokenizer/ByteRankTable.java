package dev.nanochat.sae.nanochat.tokenizer;

import java.util.Arrays;

/**
 * byte sequence → rank, looked up by a slice of a buffer without allocating (the BPE inner loop
 * asks for millions of pair ranks). Open addressing over FNV-1a hashes; keys live in one byte pool.
 */
final class ByteRankTable {
    private final byte[][] byRank;
    private final int[] slots; // rank+1, 0 = empty
    private final int[] hashes;
    private final int mask;

    ByteRankTable(byte[][] byRank) {
        this.byRank = byRank;
        int cap = Integer.highestOneBit(Math.max(16, byRank.length * 2)) * 2;
        this.slots = new int[cap];
        this.hashes = new int[cap];
        this.mask = cap - 1;
        for (int r = 0; r < byRank.length; r++) {
            byte[] k = byRank[r];
            if (k == null) continue;
            int h = hash(k, 0, k.length);
            int s = h & mask;
            while (slots[s] != 0) {
                if (hashes[s] == h && Arrays.equals(byRank[slots[s] - 1], k))
                    throw new IllegalArgumentException(
                            "duplicate token bytes for ranks " + (slots[s] - 1) + " and " + r);
                s = (s + 1) & mask;
            }
            slots[s] = r + 1;
            hashes[s] = h;
        }
    }

    /** Rank of buf[from, to), or -1. */
    int rank(byte[] buf, int from, int to) {
        int h = hash(buf, from, to);
        int s = h & mask;
        while (slots[s] != 0) {
            if (hashes[s] == h) {
                byte[] k = byRank[slots[s] - 1];
                if (k.length == to - from && Arrays.equals(k, 0, k.length, buf, from, to)) return slots[s] - 1;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    byte[] bytes(int rank) {
        return rank >= 0 && rank < byRank.length ? byRank[rank] : null;
    }

    int size() {
        return byRank.length;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xff)) * 0x01000193;
        return h ^ (h >>> 16);
    }
}

package dev.nanochat.sae.train;

import dev.nanochat.sae.corpus.Document;

/**
 * Which documents are held out for validation: a fixed 1 in {@code every} by document key, so the
 * split is the same in every run, never overlaps the training stream, and spreads over the whole
 * corpus (europarl's languages are interleaved, a tail split would favour a few).
 */
public record HeldOutSplit(int every) {
    public HeldOutSplit {
        if (every < 2)
            throw new IllegalArgumentException("held-out split must keep 1 in at least 2 documents, got 1 in " + every);
    }

    public boolean isHeldOut(Document d) {
        // splitmix64 finaliser: neighbouring keys land far apart
        long z = d.key() + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.floorMod(z, every) == 0;
    }
}

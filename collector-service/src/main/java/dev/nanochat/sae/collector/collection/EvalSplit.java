package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.core.records.Split;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Assigns each document to the train or the held-out eval split.
 *
 * <p>Design: the split is a pure function of (seed, document text): the first 8 bytes of
 * SHA-256(seed ‖ UTF-8 text), read as an unsigned fraction in [0, 1), is compared with the eval
 * fraction. Hashing the text (not the file name or ordinal) keeps the split stable when files are
 * renamed or reordered, and puts duplicate documents on the same side, so the held-out set cannot
 * leak through copies. SHA-256 is far cheaper than the forward pass over the same text.
 */
public final class EvalSplit {
    private final long seed;
    private final double evalFraction;

    public EvalSplit(long seed, double evalFraction) {
        if (!(evalFraction >= 0 && evalFraction <= 1)) {
            throw new IllegalArgumentException("evalFraction must be in [0, 1], got " + evalFraction);
        }
        this.seed = seed;
        this.evalFraction = evalFraction;
    }

    public Split of(String documentText) {
        if (evalFraction == 0) {
            return Split.TRAIN;
        }
        return unitHash(documentText) < evalFraction ? Split.EVAL : Split.TRAIN;
    }

    /** The document's position in [0, 1) under this seed. */
    double unitHash(String documentText) {
        MessageDigest sha = sha256();
        for (int i = 7; i >= 0; i--) {
            sha.update((byte) (seed >>> (8 * i)));
        }
        byte[] d = sha.digest(documentText.getBytes(StandardCharsets.UTF_8));
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (d[i] & 0xFF);
        }
        return (top >>> 11) * 0x1.0p-53; // 53 high bits → exact double in [0, 1)
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}

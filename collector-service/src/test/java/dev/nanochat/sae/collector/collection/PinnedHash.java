package dev.nanochat.sae.collector.collection;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Independent (BigInteger-based) computation of the eval-split hash, the oracle for EvalSplit. */
final class PinnedHash {
    private PinnedHash() {}

    static double expected(long seed, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putLong(seed).array());
            byte[] d = sha.digest(text.getBytes(StandardCharsets.UTF_8));
            BigInteger top64 = new BigInteger(1, java.util.Arrays.copyOf(d, 8));
            return top64.shiftRight(11).doubleValue() / Math.pow(2, 53);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

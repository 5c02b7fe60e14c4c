package dev.nanochat.sae.eval;

/**
 * Cross-entropy and KL divergence of next-token distributions, computed on the Java heap from logits.
 *
 * <p>Design: the model returns logits [B,T,V] as a float array; we reduce them here in double precision
 * with a max-shifted log-sum-exp, so the three forwards (clean, spliced, zero-ablated) are compared with
 * one numerically careful implementation instead of relying on per-run DJL kernels. Targets equal to
 * {@link #IGNORE} (right padding) are skipped. Reduction: sum over predicted tokens; callers divide by
 * {@link Sums#tokens()} to get the mean per token.
 */
public final class NextTokenLoss {
    /** Target id meaning "no prediction here" (padding). */
    public static final int IGNORE = -1;

    private NextTokenLoss() {}

    /** Running sums over predicted tokens: CE of each forward and KL(clean ‖ other). */
    public record Sums(long tokens, double ceClean, double ceSpliced, double ceZero, double klSpliced, double klZero) {
        public Sums plus(Sums o) {
            return new Sums(
                    tokens + o.tokens,
                    ceClean + o.ceClean,
                    ceSpliced + o.ceSpliced,
                    ceZero + o.ceZero,
                    klSpliced + o.klSpliced,
                    klZero + o.klZero);
        }
    }

    /**
     * Accumulates CE for the three logit sets and KL(clean ‖ spliced), KL(clean ‖ zero).
     *
     * @param clean   logits [rows, vocab] row-major
     * @param spliced logits [rows, vocab]
     * @param zero    logits [rows, vocab]
     * @param targets [rows] next-token ids, or {@link #IGNORE}
     */
    public static Sums accumulate(float[] clean, float[] spliced, float[] zero, int[] targets, int vocab) {
        int rows = targets.length;
        for (float[] l : new float[][] {clean, spliced, zero}) {
            if (l.length != (long) rows * vocab) {
                throw new IllegalArgumentException(
                        "logits length " + l.length + " != rows " + rows + " x vocab " + vocab);
            }
        }
        long n = 0;
        double ceC = 0, ceS = 0, ceZ = 0, klS = 0, klZ = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t == IGNORE) {
                continue;
            }
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException(
                        "target id " + t + " at row " + r + " outside vocab [0," + vocab + ")");
            }
            int off = r * vocab;
            double lseC = logSumExp(clean, off, vocab);
            double lseS = logSumExp(spliced, off, vocab);
            double lseZ = logSumExp(zero, off, vocab);
            ceC += lseC - clean[off + t];
            ceS += lseS - spliced[off + t];
            ceZ += lseZ - zero[off + t];
            // KL(p‖q) = Σ_v p_v (log p_v − log q_v), with log p_v = l_v − lse.
            double kS = 0, kZ = 0;
            for (int v = 0; v < vocab; v++) {
                double logP = clean[off + v] - lseC;
                double p = Math.exp(logP);
                kS += p * (logP - (spliced[off + v] - lseS));
                kZ += p * (logP - (zero[off + v] - lseZ));
            }
            klS += Math.max(0, kS);
            klZ += Math.max(0, kZ);
            n++;
        }
        return new Sums(n, ceC, ceS, ceZ, klS, klZ);
    }

    static double logSumExp(float[] logits, int off, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, logits[off + i]);
        }
        if (!Double.isFinite(max)) {
            throw new IllegalArgumentException("non-finite logits (max " + max + ") at offset " + off);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        return max + Math.log(sum);
    }
}

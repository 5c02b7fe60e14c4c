package dev.nanochat.sae.core.train;

/**
 * Which latents fire, measured in tokens over a sliding window (the seed measured a rate since step 0).
 *
 * A latent is dead when it has not fired within the last {@code windowTokens} tokens; before the first
 * window has passed nothing is dead. Firing counts are also kept per completed window (window frequency,
 * used for dense latents, sparsity.safetensors and resampling below a frequency threshold).
 */
public final class LatentActivity {
    final long windowTokens;
    /** Tokens seen at the end of the batch in which each latent last fired (0 = never). */
    final long[] lastFired;
    /** Firings in the current window, and in the last completed window. */
    final long[] windowCounts;

    final long[] lastWindowCounts;
    long windowStartTokens;
    long lastWindowTokens;

    LatentActivity(int dSae, long windowTokens) {
        this.windowTokens = windowTokens;
        this.lastFired = new long[dSae];
        this.windowCounts = new long[dSae];
        this.lastWindowCounts = new long[dSae];
    }

    /** firedCounts[i] = tokens of this batch on which latent i was active; tokensAfter = total tokens seen. */
    void record(int[] firedCounts, long tokensAfter) {
        for (int i = 0; i < firedCounts.length; i++) {
            if (firedCounts[i] > 0) {
                lastFired[i] = tokensAfter;
                windowCounts[i] += firedCounts[i];
            }
        }
        if (tokensAfter - windowStartTokens >= windowTokens) {
            System.arraycopy(windowCounts, 0, lastWindowCounts, 0, windowCounts.length);
            java.util.Arrays.fill(windowCounts, 0);
            lastWindowTokens = tokensAfter - windowStartTokens;
            windowStartTokens = tokensAfter;
        }
    }

    boolean[] dead(long tokensSeen) {
        boolean[] d = new boolean[lastFired.length];
        for (int i = 0; i < d.length; i++) d[i] = tokensSeen - lastFired[i] >= windowTokens;
        return d;
    }

    public static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) if (b) c++;
        return c;
    }

    /** Per-latent firing frequency over the last completed window, else over the current one. */
    double[] frequency(long tokensSeen) {
        boolean useLast = lastWindowTokens > 0;
        long tokens = useLast ? lastWindowTokens : tokensSeen - windowStartTokens;
        long[] counts = useLast ? lastWindowCounts : windowCounts;
        double[] f = new double[counts.length];
        if (tokens > 0) for (int i = 0; i < f.length; i++) f[i] = (double) counts[i] / tokens;
        return f;
    }
}

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
    /**
     * Firings a device step added up but did not record yet (drained for a checkpoint): recorded with the
     * next counts, as they would have been had the run not been checkpointed.
     */
    final long[] pending;

    LatentActivity(int dSae, long windowTokens) {
        this.windowTokens = windowTokens;
        this.lastFired = new long[dSae];
        this.windowCounts = new long[dSae];
        this.lastWindowCounts = new long[dSae];
        this.pending = new long[dSae];
    }

    /** Whether a batch ending at tokensAfter completes the current window (record then rolls it). */
    boolean windowClosesAt(long tokensAfter) {
        return tokensAfter - windowStartTokens >= windowTokens;
    }

    /** Replaces the last-fired tokens with a device path's exact record (no-op for null). */
    void setLastFired(long[] exact) {
        if (exact != null) System.arraycopy(exact, 0, lastFired, 0, lastFired.length);
    }

    void addPending(int[] counts) {
        for (int i = 0; i < counts.length; i++) pending[i] += counts[i];
    }

    /**
     * firedCounts[i] = tokens of this batch (or, on a device path reading them every N steps, of the
     * batches since the last record) on which latent i was active; tokensAfter = total tokens seen.
     */
    void record(int[] firedCounts, long tokensAfter) {
        for (int i = 0; i < firedCounts.length; i++) {
            long c = firedCounts[i] + pending[i];
            pending[i] = 0;
            if (c > 0) {
                lastFired[i] = tokensAfter;
                windowCounts[i] += c;
            }
        }
        if (windowClosesAt(tokensAfter)) {
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

package dev.nanochat.sae.runtime;

/**
 * Top-N active features of one token, selected on the host from the dense code row in place (no copy
 * of the row, no boxing): one pass with a small insertion-sorted buffer, O(d_sae + nnz·N). Only
 * positive values count (an inactive latent is 0); ties keep the lower index first.
 */
final class TopN {
    private TopN() {}

    /**
     * Writes the largest positive values of z[offset, offset+n) into outVal (descending) and their
     * latent indices into outIdx; returns how many were found (≤ outIdx.length).
     */
    static int select(float[] z, int offset, int n, int[] outIdx, float[] outVal) {
        int cap = outIdx.length, count = 0;
        for (int i = 0; i < n; i++) {
            float v = z[offset + i];
            if (!(v > 0f)) continue;
            if (count == cap && v <= outVal[cap - 1]) continue;
            int p = count < cap ? count++ : cap - 1;
            while (p > 0 && outVal[p - 1] < v) {
                outVal[p] = outVal[p - 1];
                outIdx[p] = outIdx[p - 1];
                p--;
            }
            outVal[p] = v;
            outIdx[p] = i;
        }
        return count;
    }
}

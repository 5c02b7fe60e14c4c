package dev.nanochat.sae.features;

/**
 * Indices of the n largest (or smallest) of len values at off, best first, ties toward the lower index.
 * An insertion buffer of n: O(len·n) worst case, O(len) typical, no allocation per element.
 */
final class TopIndices {
    private TopIndices() {}

    static int[] largest(float[] a, int off, int len, int n, boolean smallest) {
        n = Math.min(n, len);
        int[] idx = new int[n];
        float[] val = new float[n];
        int size = 0;
        for (int i = 0; i < len; i++) {
            float v = smallest ? -a[off + i] : a[off + i];
            if (Float.isNaN(v)) continue;
            if (size == n && !(v > val[n - 1])) continue;
            int p = size < n ? size++ : n - 1;
            while (p > 0 && v > val[p - 1]) {
                val[p] = val[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            val[p] = v;
            idx[p] = i;
        }
        return size == n ? idx : java.util.Arrays.copyOf(idx, size);
    }
}

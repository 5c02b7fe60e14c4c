package dev.nanochat.sae.core.kernels;

/**
 * Unit-norm decoder rows: the gradient component parallel to each row is removed before the optimizer
 * step (it would only change the norm, which the renormalisation undoes), and rows are renormalised after.
 * W_dec and its gradient are [n, d] row-major.
 */
public final class DecoderNorm {
    private DecoderNorm() {}

    public static void removeParallelGradient(float[] w, float[] g, int n, int d, Parallel par) {
        par.forRange(n, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * d;
                float dot = Kernels.dot(g, o, w, o, d);
                if (dot != 0) Kernels.axpy(-dot, w, o, g, o, d);
            }
        });
    }

    public static void normalizeRows(float[] w, int n, int d, Parallel par) {
        par.forRange(n, (c, from, to) -> normalizeRows(w, from, to, d));
    }

    /** Rows [from, to) of w [*, d] to unit norm (zero rows stay zero). */
    public static void normalizeRows(float[] w, int from, int to, int d) {
        for (int i = from; i < to; i++) {
            int o = i * d;
            float norm = (float) Math.sqrt(Kernels.dot(w, o, w, o, d));
            if (norm > 0) {
                float inv = 1 / norm;
                for (int j = 0; j < d; j++) w[o + j] *= inv;
            }
        }
    }
}

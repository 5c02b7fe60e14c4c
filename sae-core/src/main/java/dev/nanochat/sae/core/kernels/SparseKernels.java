package dev.nanochat.sae.core.kernels;

/**
 * Hand-written forward/backward of the sparse decoder for TopK/BatchTopK: everything after the encoder
 * GEMM touches only the active rows, so no [batch, d_sae] tensor beyond the pre-activations exists.
 *
 * With codes z (CSR, nnz = Σ active), output gradient g [B, d] and centred input x_c [B, d]:
 *   decode:       x̂_t = Σ_p z_p · W_dec[i_p]                                   (token-major)
 *   dz_p        = g_t · W_dec[i_p]                       (token-major, fused with the decode)
 *   ∂b_dec      = Σ_t g_t − Σ_i ∂b_enc[i] · E[i]   (b_dec enters the encoder through x_c = x − b_dec)
 *   ∂W_dec[i]   = Σ_{p∈i} z_p · g_t ;  ∂E[i] = Σ_{p∈i} dz_p · x_c,t ;  ∂b_enc[i] = Σ_{p∈i} dz_p  (latent-major)
 * Token-major passes split tokens across threads; latent-major passes split latents (balanced by nnz) over
 * a counting-sort transpose, so each thread owns its output rows and no atomics are needed.
 */
public final class SparseKernels {
    private SparseKernels() {}

    /** Latent-major transpose of codes: entries of latent i are ptr[i]..ptr[i+1], tokens ascending. */
    public record ByLatent(int[] ptr, int[] token, int[] pos) {}

    /** out [rows, d] = Σ_p z_p · W[i_p] (overwrites out). */
    public static void decode(Parallel par, SparseCodes c, float[] w, int d, float[] out) {
        par.forRange(c.rows(), (ch, from, to) -> {
            java.util.Arrays.fill(out, from * d, to * d, 0f);
            for (int t = from; t < to; t++)
                for (int p = c.rowPtr()[t]; p < c.rowPtr()[t + 1]; p++)
                    Kernels.axpy(c.values()[p], w, c.indices()[p] * d, out, t * d, d);
        });
    }

    /**
     * Fused token-major pass of the main reconstruction: x̂_t − b_dec = Σ_p z_p W[i_p]; residual
     * r_t = x̂_t − x_t (= that sum − x_c,t); tokenSq[t] = ‖r_t‖²; g_t = 2 r_t / rows (∂mse/∂x̂, written to
     * g); then dz_p = g_t · W[i_p] while the k rows are still in cache.
     */
    public static void forwardTokens(
            Parallel par, SparseCodes c, float[] w, float[] xc, int d, float[] g, float[] tokenSq, float[] dz) {
        float twoOverRows = 2f / c.rows();
        par.forRange(c.rows(), (ch, from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t * d;
                java.util.Arrays.fill(g, o, o + d, 0f);
                for (int p = c.rowPtr()[t]; p < c.rowPtr()[t + 1]; p++)
                    Kernels.axpy(c.values()[p], w, c.indices()[p] * d, g, o, d);
                double s = 0;
                for (int j = o; j < o + d; j++) {
                    float v = g[j] - xc[j];
                    s += (double) v * v;
                    g[j] = v * twoOverRows;
                }
                tokenSq[t] = (float) s;
                for (int p = c.rowPtr()[t]; p < c.rowPtr()[t + 1]; p++)
                    dz[p] = Kernels.dot(g, o, w, c.indices()[p] * d, d);
            }
        });
    }

    /** dz_p = g_t · W[i_p] for every entry (token-major). */
    public static void dots(Parallel par, SparseCodes c, float[] w, float[] g, int d, float[] dz) {
        par.forRange(c.rows(), (ch, from, to) -> {
            for (int t = from; t < to; t++)
                for (int p = c.rowPtr()[t]; p < c.rowPtr()[t + 1]; p++)
                    dz[p] = Kernels.dot(g, t * d, w, c.indices()[p] * d, d);
        });
    }

    /**
     * Σ_i coef[i] · M[i] over rows with coef ≠ 0, as [d]. Used for b_dec's gradient through the encoder:
     * Σ_p dz_p E[i_p] = Σ_i ∂b_enc[i] · E[i] — n row reads instead of nnz.
     */
    public static float[] weightedRowSum(Parallel par, float[] coef, float[] m, int d) {
        float[][] partial = new float[par.threads()][d];
        par.forRange(coef.length, (ch, from, to) -> {
            for (int i = from; i < to; i++) if (coef[i] != 0) Kernels.axpy(coef[i], m, i * d, partial[ch], 0, d);
        });
        float[] sum = new float[d];
        for (float[] part : partial) for (int j = 0; j < d; j++) sum[j] += part[j];
        return sum;
    }

    public static ByLatent byLatent(SparseCodes c) {
        int n = c.dSae();
        int[] ptr = new int[n + 1];
        int nnz = c.nnz();
        int[] idx = c.indices();
        for (int p = 0; p < nnz; p++) ptr[idx[p] + 1]++;
        for (int i = 0; i < n; i++) ptr[i + 1] += ptr[i];
        int[] fill = java.util.Arrays.copyOf(ptr, n);
        int[] token = new int[nnz], pos = new int[nnz];
        for (int t = 0; t < c.rows(); t++) {
            for (int p = c.rowPtr()[t]; p < c.rowPtr()[t + 1]; p++) {
                int q = fill[idx[p]]++;
                token[q] = t;
                pos[q] = p;
            }
        }
        return new ByLatent(ptr, token, pos);
    }

    /**
     * Per latent: dW[i] (+)= Σ z_p g_t; dE[i] (+)= Σ dz_p x_c,t; db[i] (+)= Σ dz_p. With accumulate=false
     * every row is written (zero for latents without entries), so the gradient buffers need no clearing.
     */
    public static void latentGrads(
            Parallel par,
            ByLatent bl,
            float[] z,
            float[] g,
            float[] dz,
            float[] xc,
            int d,
            float[] dW,
            float[] dE,
            float[] db,
            boolean accumulate) {
        int n = bl.ptr().length - 1;
        par.forBounds(balancedBounds(bl.ptr(), par.threads(), d), (ch, from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * d;
                if (!accumulate) {
                    java.util.Arrays.fill(dW, o, o + d, 0f);
                    java.util.Arrays.fill(dE, o, o + d, 0f);
                    db[i] = 0f;
                }
                float bsum = 0;
                for (int q = bl.ptr()[i]; q < bl.ptr()[i + 1]; q++) {
                    int t = bl.token()[q], p = bl.pos()[q];
                    float dzp = dz[p];
                    // One loop over both rows when SIMD (same per-element FMAs as two axpys).
                    if (dzp != 0 && Kernels.VECTOR)
                        VectorKernels.axpy2(z[p], g, t * d, dW, o, dzp, xc, t * d, dE, o, d);
                    else {
                        Kernels.axpy(z[p], g, t * d, dW, o, d);
                        if (dzp != 0) Kernels.axpy(dzp, xc, t * d, dE, o, d);
                    }
                    bsum += dzp;
                }
                db[i] += bsum;
            }
        });
    }

    /** Chunk boundaries over latents with about equal work (entries plus a row-clearing cost). */
    public static int[] balancedBounds(int[] ptr, int chunks, int d) {
        int n = ptr.length - 1;
        long rowCost = Math.max(1, d / 64);
        long total = ptr[n] + rowCost * n;
        int[] bounds = new int[chunks + 1];
        int i = 0;
        for (int c = 1; c < chunks; c++) {
            long target = total * c / chunks;
            while (i < n && ptr[i] + rowCost * i < target) i++;
            bounds[c] = i;
        }
        bounds[chunks] = n;
        return bounds;
    }
}

package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.SparseObjective;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.RowTopK;
import dev.nanochat.sae.core.kernels.SparseCodes;
import dev.nanochat.sae.core.train.StepProfile;
import java.util.Map;

/** TopK (Gao et al. 2024): z = ReLU(TopK_k(h)); exported as SAELens "topk" with k. */
public final class TopKObjective extends SparseObjective {
    public TopKObjective(SaeConfig cfg) {
        super(cfg);
    }

    /** Top-k in Java straight from the GEMM output's native memory when DJL exposes it, else torch.topk. */
    @Override
    public SparseCodes select(NDArray pre, int rows, Parallel par) {
        int k = cfg.k();
        float[] vals = new float[rows * k];
        int[] idx = new int[rows * k];
        if (selectNative(pre, null, rows, par, vals, idx, 0)) return positiveCodes(vals, idx, rows, k, n);
        NDList tk = pre.topK(k, 1, true, false);
        return positiveCodes(tk.get(0).toFloatArray(), tk.get(1).toLongArray(), rows, k, n);
    }

    /** The Java selection adds b_enc as it reads each element (same float sum), saving a pass over [rows, n]. */
    @Override
    public SparseCodes selectWithBias(NDArray preNoBias, float[] bEnc, int rows, Parallel par) {
        int k = cfg.k();
        float[] vals = new float[rows * k];
        int[] idx = new int[rows * k];
        if (!selectNative(preNoBias, bEnc, rows, par, vals, idx, 0))
            return super.selectWithBias(preNoBias, bEnc, rows, par);
        return positiveCodes(vals, idx, rows, k, n);
    }

    /**
     * Per-row top-k of pre (+ bias, null = none) [rows, n] read in place from its native memory, into
     * vals/idx from entry {@code out}; false (nothing written) when Java top-k is off or DJL exposes no
     * direct buffer.
     */
    private boolean selectNative(NDArray pre, float[] bias, int rows, Parallel par, float[] vals, int[] idx, int out) {
        java.nio.ByteBuffer buf = JAVA_TOPK ? pre.toByteBuffer(true) : null;
        if (buf == null || !buf.isDirect()) return false;
        RowTopK.select(
                buf.order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer(),
                bias,
                rows,
                n,
                cfg.k(),
                par,
                vals,
                idx,
                out);
        return true;
    }

    /**
     * Optionally ({@code -Dsae.topkBlockFloats=F}, F floats per block) the GEMM in row blocks, each
     * block's top-k read right after it is written, so the [rows, n] pre-activations never exist whole
     * (512 MB at batch 4096 × d_sae 32768). Off by default: on a 2-core EPYC (d_in 768, k 32, batch 4096)
     * the step ÷ encoder GEMM was 1.68 (one GEMM) against 1.86 (4M-float blocks) and 1.65 (12M) at d_sae
     * 6144, and 1.28 against 1.54 (4M) and 1.45 (12M) at 32768 — smaller GEMMs run below MKL's peak —
     * with the same peak RSS (2.25 GB at 32768: the parameters and Adam moments dominate). Same
     * selection as one GEMM ({@code TopKBlockedSelectTest}).
     */
    @Override
    protected SparseCodes encodeSelect(NDArray xcNd, NDArray encNd, float[] bEnc, int rows, Parallel par) {
        return encodeSelect(xcNd, encNd, bEnc, rows, par, blockRows(rows));
    }

    /** As above with a given block of rows ({@code block ≥ rows}: the one-GEMM path). */
    SparseCodes encodeSelect(NDArray xcNd, NDArray encNd, float[] bEnc, int rows, Parallel par, int block) {
        if (block >= rows || !JAVA_TOPK) return super.encodeSelect(xcNd, encNd, bEnc, rows, par);
        int k = cfg.k();
        float[] vals = new float[rows * k];
        int[] idx = new int[rows * k];
        NDArray encT = encNd.transpose();
        for (int r0 = 0; r0 < rows; r0 += block) {
            int rb = Math.min(block, rows - r0);
            try (NDArray xb = xcNd.get(new NDIndex("{}:{}", r0, r0 + rb));
                    NDArray pre = xb.matMul(encT)) {
                if (!selectNative(pre, bEnc, rb, par, vals, idx, r0 * k))
                    throw new IllegalStateException("GEMM output is not in native memory");
            }
        }
        StepProfile.lap("encoder GEMM + top-k (blocked)");
        return positiveCodes(vals, idx, rows, k, n);
    }

    /** Output block size in floats; 0 (the default): one GEMM. */
    static final long BLOCK_FLOATS = Long.getLong("sae.topkBlockFloats", 0L);

    int blockRows(int rows) {
        if (BLOCK_FLOATS <= 0) return rows;
        return (int) Math.max(64, Math.min(rows, BLOCK_FLOATS / n));
    }

    /** -Dsae.torchTopk=true forces libtorch's topk (for measurement). */
    public static final boolean JAVA_TOPK = !Boolean.getBoolean("sae.torchTopk");

    /** As {@link #positiveCodes(float[], long[], int, int, int)} with int indices. */
    public static SparseCodes positiveCodes(float[] vals, int[] idx, int rows, int kk, int n) {
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        for (float v : vals) if (v > 0) nnz++;
        int[] ind = new int[nnz];
        float[] val = new float[nnz];
        int q = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = t * kk; j < (t + 1) * kk; j++) {
                if (vals[j] > 0) {
                    ind[q] = idx[j];
                    val[q++] = vals[j];
                }
            }
            ptr[t + 1] = q;
        }
        return new SparseCodes(rows, n, ptr, ind, val);
    }

    /** CSR of the positive entries of per-token candidate lists vals/idx [rows, kk]; ReLU drops the rest. */
    public static SparseCodes positiveCodes(float[] vals, long[] idx, int rows, int kk, int n) {
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        for (float v : vals) if (v > 0) nnz++;
        int[] ind = new int[nnz];
        float[] val = new float[nnz];
        int q = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = t * kk; j < (t + 1) * kk; j++) {
                if (vals[j] > 0) {
                    ind[q] = (int) idx[j];
                    val[q++] = vals[j];
                }
            }
            ptr[t + 1] = q;
        }
        return new SparseCodes(rows, n, ptr, ind, val);
    }

    @Override
    public Sae export(Params p, float scale) {
        Map<String, HostTensor> w = exportLinear(p, scale, "b_enc");
        return new TopKSae(cfg, w);
    }
}

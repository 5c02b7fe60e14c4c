package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.SparseObjective;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.RowTopK;
import dev.nanochat.sae.core.kernels.SparseCodes;
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
        java.nio.ByteBuffer buf = JAVA_TOPK ? pre.toByteBuffer(true) : null;
        if (buf != null && buf.isDirect()) {
            float[] vals = new float[rows * k];
            int[] idx = new int[rows * k];
            RowTopK.select(buf.order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer(), rows, n, k, par, vals, idx);
            long[] lidx = new long[idx.length];
            for (int i = 0; i < idx.length; i++) lidx[i] = idx[i];
            return positiveCodes(vals, lidx, rows, k, n);
        }
        NDList tk = pre.topK(k, 1, true, false);
        return positiveCodes(tk.get(0).toFloatArray(), tk.get(1).toLongArray(), rows, k, n);
    }

    /** The Java selection adds b_enc as it reads each element (same float sum), saving a pass over [rows, n]. */
    @Override
    public SparseCodes selectWithBias(NDArray preNoBias, float[] bEnc, int rows, Parallel par) {
        int k = cfg.k();
        java.nio.ByteBuffer buf = JAVA_TOPK ? preNoBias.toByteBuffer(true) : null;
        if (buf == null || !buf.isDirect()) return super.selectWithBias(preNoBias, bEnc, rows, par);
        float[] vals = new float[rows * k];
        int[] idx = new int[rows * k];
        RowTopK.select(buf.order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer(), bEnc, rows, n, k, par, vals, idx);
        return positiveCodes(vals, idx, rows, k, n);
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

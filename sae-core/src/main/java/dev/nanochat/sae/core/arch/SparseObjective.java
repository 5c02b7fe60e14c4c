package dev.nanochat.sae.core.arch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.topk.TopKObjective;
import dev.nanochat.sae.core.kernels.Kernels;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.SparseCodes;
import dev.nanochat.sae.core.kernels.SparseKernels;
import dev.nanochat.sae.core.train.Adam;
import dev.nanochat.sae.core.train.HostSparseStep;
import dev.nanochat.sae.core.train.StepPath;
import dev.nanochat.sae.core.train.StepProfile;

/**
 * Shared TopK/BatchTopK training step on the CPU: one dense encoder GEMM in DJL (libtorch/MKL, pinned to
 * {@code Device.cpu()} because DJL's default device is gpu(0) on a GPU machine), selection of active
 * latents in torch (only [B, k] values/indices come back to Java), then the hand-written sparse decode and
 * backward of {@link SparseKernels}, plus AuxK on dead latents (Gao et al.).
 *
 * Loss (reductions pinned by tests): mse = Σ_d (x − x̂)² mean over tokens;
 * aux = Σ_t ‖ê_t − e_t‖² / Σ_t ‖e_t − ē‖² with e = x − x̂ detached; loss = mse + aux_k_coefficient · aux.
 */
public abstract class SparseObjective extends Objective {
    public SparseObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public StepPath stepPath(Device device, Params params, Adam adam, Parallel par) {
        return new HostSparseStep(this, params, par);
    }

    /** Active latents from the pre-activations [rows, n] (values after ReLU, zeros dropped). */
    public abstract SparseCodes select(NDArray pre, int rows, Parallel par);

    /**
     * As {@link #select} from x_c·encᵀ without the bias: the default adds b_enc (one more pass over the
     * [rows, n] GEMM output); an objective can instead add it inside its own selection pass.
     */
    public SparseCodes selectWithBias(NDArray preNoBias, float[] bEnc, int rows, Parallel par) {
        return select(preNoBias.addi(preNoBias.getManager().create(bEnc)), rows, par);
    }

    /**
     * Active latents of x_c [rows, d] under encoder rows {@code encNd} [n, d] and bias b_enc: the default
     * runs the whole [rows, n] GEMM, then {@link #selectWithBias}. An objective whose selection is per
     * row may instead stream the GEMM in row blocks ({@link TopKObjective}).
     */
    protected SparseCodes encodeSelect(NDArray xcNd, NDArray encNd, float[] bEnc, int rows, Parallel par) {
        NDArray pre = xcNd.matMul(encNd.transpose());
        StepProfile.lap("encoder GEMM");
        return selectWithBias(pre, bEnc, rows, par);
    }

    /**
     * A direct buffer reused step after step to hand a host array to libtorch: DJL wraps a direct
     * native-order ByteBuffer without copying it, where {@code create(float[])} allocates a fresh
     * zeroed direct buffer and copies into it every call (8 + 12 ms per step for x [4096, 768] and
     * enc [6144, 768] here, against one bulk copy each now). The array made from it must be closed
     * before the next fill; the step's manager closes it when the GEMM is done.
     */
    private static final class Staging {
        private java.nio.ByteBuffer buf;

        java.nio.ByteBuffer fill(float[] a) {
            if (buf == null || buf.capacity() != a.length * 4)
                buf = java.nio.ByteBuffer.allocateDirect(a.length * 4).order(java.nio.ByteOrder.nativeOrder());
            buf.clear();
            buf.asFloatBuffer().put(a);
            return buf;
        }
    }

    private final Staging xStage = new Staging(), encStage = new Staging();

    /** Loss and gradients (into g, overwritten) of x [rows, d] on the normalised scale. */
    public BatchResult forwardBackward(Params p, Params g, float[] x, int rows, StepContext ctx) {
        Parallel par = ctx.par();
        float[] enc = p.get("enc"), bEnc = p.get("b_enc"), w = p.get("W_dec"), bDec = p.get("b_dec");
        StepProfile.start();
        float[] xc = new float[rows * d];
        par.forRange(rows, (c, from, to) -> {
            for (int t = from; t < to; t++) for (int j = 0, o = t * d; j < d; j++) xc[o + j] = x[o + j] - bDec[j];
        });
        boolean aux = ctx.deadCount() > 0 && cfg.auxK() > 0 && cfg.auxKCoefficient() > 0;
        SparseCodes codes;
        SparseCodes auxCodes = null;
        StepProfile.lap("centre");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray xcNd = m.create(xStage.fill(xc), new Shape(rows, d), DataType.FLOAT32);
            NDArray encNd = m.create(encStage.fill(enc), new Shape(n, d), DataType.FLOAT32);
            StepProfile.lap("upload x, enc");
            codes = encodeSelect(xcNd, encNd, bEnc, rows, par);
            StepProfile.lap("top-k select");
            if (aux) auxCodes = auxTopK(m, xcNd, enc, bEnc, ctx.dead(), ctx.deadCount(), rows);
            StepProfile.lap("aux top-k");
        }
        StepProfile.lap("free native");
        float[] gOut = new float[rows * d];
        float[] tokenSq = new float[rows];
        float[] dz = new float[codes.nnz()];
        SparseKernels.forwardTokens(par, codes, w, xc, d, gOut, tokenSq, dz);
        StepProfile.lap("decode + dz");
        double sqSum = 0;
        for (float s : tokenSq) sqSum += s;
        float[] gEnc = g.get("enc"), gBEnc = g.get("b_enc"), gW = g.get("W_dec"), gBDec = g.get("b_dec");
        SparseKernels.ByLatent byLatent = SparseKernels.byLatent(codes);
        StepProfile.lap("transpose codes");
        SparseKernels.latentGrads(par, byLatent, codes.values(), gOut, dz, xc, d, gW, gEnc, gBEnc, false);
        StepProfile.lap("latent grads");
        double auxLoss = 0;
        if (auxCodes != null) auxLoss = auxBackward(par, auxCodes, gOut, xc, p, g, rows);
        StepProfile.lap("aux backward");
        // b_dec: +Σ_t g_out,t from x̂; −Σ_i ∂b_enc[i]·E[i] from x_c = x − b_dec (main and aux terms).
        float[] encSum = SparseKernels.weightedRowSum(par, gBEnc, enc, d);
        for (int j = 0; j < d; j++) gBDec[j] = -encSum[j];
        for (int t = 0; t < rows; t++) Kernels.axpy(1f, gOut, t * d, gBDec, 0, d);
        int[] fired = new int[n];
        for (int q = 0; q < codes.nnz(); q++) fired[codes.indices()[q]]++;
        float minActive = Float.POSITIVE_INFINITY;
        for (int q = 0; q < codes.nnz(); q++) minActive = Math.min(minActive, codes.values()[q]);
        double mse = sqSum / rows;
        StepProfile.lap("b_dec grad + counts");
        return new BatchResult(
                mse + cfg.auxKCoefficient() * auxLoss,
                sqSum,
                auxLoss,
                (double) codes.nnz() / rows,
                fired,
                tokenSq,
                codes.nnz() == 0 ? Float.NaN : minActive);
    }

    /** TopK_{k_aux} of the pre-activations of dead latents only (a second GEMM over the dead rows). */
    private SparseCodes auxTopK(
            NDManager m, NDArray xcNd, float[] enc, float[] bEnc, boolean[] dead, int deadCount, int rows) {
        int[] deadIdx = new int[deadCount];
        float[] encDead = new float[deadCount * d];
        float[] bDead = new float[deadCount];
        for (int i = 0, q = 0; i < n; i++) {
            if (!dead[i]) continue;
            deadIdx[q] = i;
            System.arraycopy(enc, i * d, encDead, q * d, d);
            bDead[q++] = bEnc[i];
        }
        int ka = Math.min(cfg.auxK(), deadCount);
        NDArray pre = xcNd.matMul(m.create(encDead, new Shape(deadCount, d)).transpose())
                .add(m.create(bDead));
        NDList tk = pre.topK(ka, 1, true, false);
        SparseCodes local =
                TopKObjective.positiveCodes(tk.get(0).toFloatArray(), tk.get(1).toLongArray(), rows, ka, n);
        int[] global = local.indices();
        for (int q = 0; q < global.length; q++) global[q] = deadIdx[global[q]];
        return local;
    }

    /**
     * AuxK backward: ê = Σ a W_dec (no b_dec); target e = x − x̂ = −r (detached). Gradients go to the dead
     * latents' encoder rows, biases and decoder rows (b_dec's share follows from ∂b_enc); returns the aux loss.
     */
    private double auxBackward(Parallel par, SparseCodes a, float[] gOut, float[] xc, Params p, Params g, int rows) {
        float[] w = p.get("W_dec");
        float[] r = new float[gOut.length]; // residual x̂ − x recovered from g_out = 2r / rows
        for (int i = 0; i < r.length; i++) r[i] = gOut[i] * rows / 2f;
        float[] eHat = new float[rows * d];
        SparseKernels.decode(par, a, w, d, eHat);
        double[] mean = new double[d];
        for (int t = 0; t < rows; t++) for (int j = 0; j < d; j++) mean[j] -= r[t * d + j];
        for (int j = 0; j < d; j++) mean[j] /= rows;
        double denom = 0, num = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < d; j++) {
                double e = -r[t * d + j];
                denom += (e - mean[j]) * (e - mean[j]);
                double diff = eHat[t * d + j] - e;
                num += diff * diff;
            }
        }
        if (denom <= 0) return 0;
        float scale = (float) (2 * cfg.auxKCoefficient() / denom);
        float[] gAux = eHat; // reuse: ∂(α·aux)/∂ê_t = 2α(ê_t − e_t) / denom
        for (int i = 0; i < gAux.length; i++) gAux[i] = (eHat[i] + r[i]) * scale;
        float[] da = new float[a.nnz()];
        SparseKernels.dots(par, a, w, gAux, d, da);
        SparseKernels.latentGrads(
                par,
                SparseKernels.byLatent(a),
                a.values(),
                gAux,
                da,
                xc,
                d,
                g.get("W_dec"),
                g.get("enc"),
                g.get("b_enc"),
                true);
        return num / denom;
    }
}

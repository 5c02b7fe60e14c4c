package dev.nanochat.sae.core.arch.batchtopk;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.SparseObjective;
import dev.nanochat.sae.core.arch.jumprelu.JumpReluSae;
import dev.nanochat.sae.core.arch.topk.TopKObjective;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.Arrays;
import java.util.Map;

/**
 * BatchTopK (Bussmann et al. 2024): keep the B·k largest ReLU(h) over the whole batch. Exported as
 * JumpReLU with a global threshold θ: the smallest kept activation of the latest batch under the final
 * weights (a running average (0.99) of it is tracked too, but after a short run it still carries the first
 * batches' values: exported that way the SAE's L0 was 7.4 where training ran at 16). The running average is
 * the fallback when no batch is at hand (export right after a resume).
 *
 * Exact without a [B, n] sort: take each token's top kk (= 4k) candidates in torch, find the global
 * (B·k)-th largest τ among them; if some token had all kk candidates ≥ τ it may have more above τ, so kk
 * doubles and the selection repeats.
 */
public final class BatchTopKObjective extends SparseObjective {
    public static final double THRESHOLD_MOMENTUM = 0.99;

    public BatchTopKObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public Params init(Rng rng) {
        Params p = super.init(rng);
        p.add("threshold", new long[] {1}, false)[0] = -1f; // −1: not yet estimated
        return p;
    }

    @Override
    public SparseCodes select(NDArray pre, int rows, Parallel par) {
        long budget = (long) rows * cfg.k();
        for (int kk = Math.min(n, 4 * cfg.k()); ; kk = Math.min(n, kk * 2)) {
            NDList tk = pre.topK(kk, 1, true, false);
            float[] vals = tk.get(0).toFloatArray();
            float tau = kthLargestPositive(vals, budget);
            boolean exact = kk == n;
            if (!exact) {
                exact = true;
                for (int t = 0; t < rows && exact; t++) {
                    float rowMin = Float.POSITIVE_INFINITY;
                    for (int j = t * kk; j < (t + 1) * kk; j++) rowMin = Math.min(rowMin, vals[j]);
                    if (rowMin >= tau && rowMin > 0) exact = false;
                }
            }
            if (exact) {
                long[] idx = tk.get(1).toLongArray();
                for (int j = 0; j < vals.length; j++) if (vals[j] < tau) vals[j] = 0;
                return TopKObjective.positiveCodes(vals, idx, rows, kk, n);
            }
        }
    }

    /** The budget-th largest positive value (or the smallest positive if fewer are positive). */
    public static float kthLargestPositive(float[] vals, long budget) {
        float[] pos = new float[vals.length];
        int m = 0;
        for (float v : vals) if (v > 0) pos[m++] = v;
        if (m == 0) return Float.POSITIVE_INFINITY;
        pos = Arrays.copyOf(pos, m);
        Arrays.sort(pos);
        return pos[(int) Math.max(0, m - Math.min(budget, m))];
    }

    @Override
    public void afterStep(Params p, BatchResult r) {
        float[] th = p.get("threshold");
        if (Float.isNaN(r.minActive())) return;
        th[0] = th[0] < 0
                ? r.minActive()
                : (float) (THRESHOLD_MOMENTUM * th[0] + (1 - THRESHOLD_MOMENTUM) * r.minActive());
    }

    @Override
    public Sae export(Params p, float scale) {
        return exportWithThreshold(p, scale, p.get("threshold")[0]);
    }

    @Override
    public Sae export(Params p, float scale, float[] recentX, int rows) {
        if (recentX == null || rows == 0) return export(p, scale);
        float theta = thresholdUnder(p, recentX, rows);
        return exportWithThreshold(p, scale, Float.isFinite(theta) ? theta : p.get("threshold")[0]);
    }

    /** Smallest activation BatchTopK keeps on x [rows, d] under the parameters p (+∞ if none is positive). */
    public float thresholdUnder(Params p, float[] x, int rows) {
        float[] bDec = p.get("b_dec");
        float[] xc = new float[rows * d];
        for (int i = 0; i < xc.length; i++) xc[i] = x[i] - bDec[i % d];
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Parallel one = new Parallel(1)) {
            NDArray pre = m.create(xc, new Shape(rows, d))
                    .matMul(m.create(p.get("enc"), new Shape(n, d)).transpose())
                    .addi(m.create(p.get("b_enc")));
            SparseCodes codes = select(pre, rows, one);
            float min = Float.POSITIVE_INFINITY;
            for (int q = 0; q < codes.nnz(); q++) min = Math.min(min, codes.values()[q]);
            return min;
        }
    }

    private Sae exportWithThreshold(Params p, float scale, float threshold) {
        Map<String, HostTensor> w = exportLinear(p, scale, "b_enc");
        float[] theta = new float[n];
        Arrays.fill(theta, Math.max(0f, threshold));
        w.put("threshold", new HostTensor(new long[] {n}, theta));
        return new JumpReluSae(cfg, w);
    }
}

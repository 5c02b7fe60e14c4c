package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.SparseObjective;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.kernels.DecoderNorm;
import dev.nanochat.sae.core.kernels.Kernels;
import dev.nanochat.sae.core.kernels.Parallel;

/**
 * The sparse host path (TopK/BatchTopK on the CPU): the objective's hand-written forward/backward writes
 * host gradients; the update removes the decoder-parallel gradient, clips the global norm, runs Adam over
 * the host arrays and renormalises decoder rows. Deterministic for a given thread count.
 */
public final class HostSparseStep implements StepPath {
    private final SparseObjective objective;
    private final Params grads;
    private final Parallel par;
    private final boolean normalizeDecoder;
    private final int n;
    private final int d;

    public HostSparseStep(SparseObjective objective, Params params, Parallel par) {
        this.objective = objective;
        this.grads = params.zerosLikeTrainable();
        this.par = par;
        this.normalizeDecoder = objective.cfg.normalizeDecoder();
        this.n = objective.n;
        this.d = objective.d;
    }

    @Override public TrainingOptions.KernelPath kind() {
        return TrainingOptions.KernelPath.SPARSE;
    }

    @Override public BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx) {
        return objective.forwardBackward(host, grads, x, rows, ctx);
    }

    @Override public double update(Params host, Adam adam, double lr, GradientClip clip) {
        float[] wDec = host.get("W_dec");
        if (normalizeDecoder) DecoderNorm.removeParallelGradient(wDec, grads.get("W_dec"), n, d, par);
        double sq = 0;
        for (Params.Entry e : grads.entries()) sq += Kernels.dot(e.data(), 0, e.data(), 0, e.data().length);
        double norm = Math.sqrt(sq);
        float f = (float) clip.factor(norm);
        if (f != 1f) for (Params.Entry e : grads.entries()) {
            float[] g = e.data();
            for (int i = 0; i < g.length; i++) g[i] *= f;
        }
        adam.step(host, grads, lr, par);
        if (normalizeDecoder) DecoderNorm.normalizeRows(wDec, n, d, par);
        return norm;
    }

    @Override public void download(Params host, Adam adam) {}

    @Override public void upload(Params host, Adam adam) {}

    @Override public String describe() {
        return "sparse path: encoder GEMM DJL, Java kernels " + Kernels.describe() + " × " + par.threads() + " threads";
    }

    @Override public void close() {}
}

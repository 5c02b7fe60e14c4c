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

    @Override
    public TrainingOptions.KernelPath kind() {
        return TrainingOptions.KernelPath.SPARSE;
    }

    @Override
    public BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx) {
        return objective.forwardBackward(host, grads, x, rows, ctx);
    }

    /**
     * Two passes instead of five: (1) per decoder-row chunk, remove the parallel component of ∂W_dec and
     * sum the squares of the result, other tensors' squares summed in chunks too (partials combined in
     * chunk order: deterministic); (2) Adam with the clip factor applied on the fly, and for W_dec each row
     * chunk renormalised right after its update.
     */
    @Override
    public double update(Params host, Adam adam, double lr, GradientClip clip) {
        StepProfile.lap("trainer bookkeeping");
        float[] wDec = host.get("W_dec"), gW = grads.get("W_dec");
        double[] partial = new double[par.threads()];
        par.forRange(n, (c, from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                int o = i * d;
                if (normalizeDecoder) {
                    float dot = Kernels.dot(gW, o, wDec, o, d);
                    if (dot != 0) Kernels.axpy(-dot, wDec, o, gW, o, d);
                }
                s += Kernels.dot(gW, o, gW, o, d);
            }
            partial[c] = s;
        });
        double sq = 0;
        for (double s : partial) sq += s;
        for (Params.Entry e : grads.entries()) {
            if (e.name().equals("W_dec")) continue;
            float[] g = e.data();
            java.util.Arrays.fill(partial, 0);
            par.forRange(g.length, (c, from, to) -> partial[c] = Kernels.dot(g, from, g, from, to - from));
            for (double s : partial) sq += s;
        }
        double norm = Math.sqrt(sq);
        StepProfile.lap("update: project + norm");
        float f = (float) clip.factor(norm);
        Adam.Factors af = adam.next(lr);
        for (Params.Entry e : host.entries()) {
            if (!e.trainable()) continue;
            float[] p = e.data(), g = grads.get(e.name());
            if (e.name().equals("W_dec")) {
                par.forRange(n, (c, from, to) -> {
                    adam.apply(af, "W_dec", p, g, from * d, to * d, f);
                    if (normalizeDecoder) DecoderNorm.normalizeRows(p, from, to, d);
                });
            } else {
                par.forRange(p.length, (c, from, to) -> adam.apply(af, e.name(), p, g, from, to, f));
            }
        }
        StepProfile.lap("update: Adam + renorm");
        return norm;
    }

    @Override
    public void download(Params host, Adam adam) {}

    @Override
    public void upload(Params host, Adam adam) {}

    @Override
    public String describe() {
        return "sparse path: encoder GEMM DJL, Java kernels " + Kernels.describe() + " × " + par.threads() + " threads";
    }

    @Override
    public void close() {}
}

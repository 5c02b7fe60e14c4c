package dev.nanochat.sae.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, bias-corrected moments) over DJL leaf arrays, one learning rate per
 * parameter group (nanochat gives embeddings, the unembedding and the matrices different rates).
 *
 * Design: moments live in the optimizer's own manager; each {@link #step} runs in a caller-given
 * scope manager to which parameters and moments are temporarily attached, so every temporary of the
 * update is freed with the scope. Gradients are zeroed here after the update (PyTorch accumulates
 * them across backward calls and DJL does not reset them).
 */
public final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final List<NDArray> params;
    private final double[] lrScale;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double beta1, beta2, eps, weightDecay;
    private double maxGradNorm;
    private double lastGradNorm = Double.NaN;
    private int t;

    /** @param lrScale per parameter, the factor on the scheduled base learning rate */
    public AdamW(
            NDManager parent,
            List<NDArray> params,
            double[] lrScale,
            double beta1,
            double beta2,
            double eps,
            double weightDecay) {
        if (lrScale.length != params.size())
            throw new IllegalArgumentException(lrScale.length + " lr scales for " + params.size() + " parameters");
        this.manager = parent.newSubManager();
        this.params = List.copyOf(params);
        this.lrScale = lrScale.clone();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (NDArray p : params) {
            m.add(manager.zeros(p.getShape(), p.getDataType()));
            v.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /**
     * Clips the global gradient L2 norm (over all parameters) to {@code max} before each update, as
     * nanochat's base training does (grad_clip = 1.0); 0 turns clipping off.
     */
    public AdamW clipGradNorm(double max) {
        this.maxGradNorm = max;
        return this;
    }

    /** The global gradient norm seen by the last step (before clipping). */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /** One update with base learning rate lr, then zeroes every gradient. */
    public void step(NDManager scope, double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        NDArray[] grads = new NDArray[params.size()];
        double sumSquares = 0;
        for (int i = 0; i < params.size(); i++) {
            attach(params.get(i), scope);
            grads[i] = params.get(i).getGradient();
            sumSquares += grads[i].square().sum().getFloat();
        }
        lastGradNorm = Math.sqrt(sumSquares);
        double clip = maxGradNorm > 0 && lastGradNorm > maxGradNorm ? maxGradNorm / lastGradNorm : 1.0;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i), mi = m.get(i), vi = v.get(i);
            attach(mi, scope);
            attach(vi, scope);
            NDArray g = grads[i];
            if (clip < 1.0) g.muli(clip);
            double rate = lr * lrScale[i];
            mi.muli(beta1).addi(g.mul(1 - beta1));
            vi.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denom = vi.div(bc2).sqrt().addi(eps);
            if (weightDecay > 0) p.muli(1 - rate * weightDecay);
            p.subi(mi.div(denom).muli(rate / bc1));
            g.subi(g);
        }
    }

    /** tempAttach once: attaching twice to the same scope would make the scope its "original" owner. */
    private static void attach(NDArray a, NDManager scope) {
        if (a.getManager() != scope) a.tempAttach(scope);
    }

    public int steps() {
        return t;
    }

    @Override
    public void close() {
        manager.close();
    }
}

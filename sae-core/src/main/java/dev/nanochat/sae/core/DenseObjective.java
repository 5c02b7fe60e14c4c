package dev.nanochat.sae.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.Map;

/**
 * Base of the dense architectures (relu, gated, jumprelu): the forward is written with DJL ops and
 * differentiated by libtorch autograd. Every [B, d_sae] tensor is needed anyway (no sparsity before the
 * activation), so the dense path is the right one; the master weights stay in {@link Params} and are copied
 * in and out each step inside one NDManager scope.
 */
abstract class DenseObjective extends Objective {
    /** The differentiable forward: total loss, ‖x − x̂‖² per token [rows], features z [rows, n], aux term. */
    record Forward(NDArray loss, NDArray tokenSqError, NDArray z, double auxLoss) {}

    DenseObjective(SaeConfig cfg) {
        super(cfg);
    }

    abstract Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx);

    @Override BatchResult forwardBackward(Params p, Params g, float[] x, int rows, StepContext ctx) {
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Map<String, NDArray> nd = new HashMap<>();
            for (Params.Entry e : p.entries()) {
                NDArray a = m.create(e.data(), new Shape(e.shape()));
                if (e.trainable()) a.setRequiresGradient(true);
                nd.put(e.name(), a);
            }
            Forward f = forward(nd, m.create(x, new Shape(rows, d)), ctx);
            gc.backward(f.loss());
            for (Params.Entry e : p.entries()) {
                if (!e.trainable()) continue;
                float[] grad = nd.get(e.name()).getGradient().toFloatArray();
                System.arraycopy(grad, 0, g.get(e.name()), 0, grad.length);
            }
            float[] tokenSq = f.tokenSqError().toFloatArray();
            float[] firedF = f.z().stopGradient().gt(0f).toType(DataType.FLOAT32, false).sum(new int[]{0}).toFloatArray();
            int[] fired = new int[n];
            long active = 0;
            for (int i = 0; i < n; i++) {
                fired[i] = Math.round(firedF[i]);
                active += fired[i];
            }
            double sq = 0;
            for (float s : tokenSq) sq += s;
            return new BatchResult(f.loss().getFloat(), sq, f.auxLoss(), (double) active / rows, fired, tokenSq, Float.NaN);
        }
    }

    /** (x − b_dec)·encᵀ + bias: [rows, n]. */
    static NDArray linear(NDArray xc, NDArray enc, NDArray bias) {
        return xc.matMul(enc.transpose()).add(bias);
    }

    /** ‖x − (z·W_dec + b_dec)‖² per token, [rows]. */
    static NDArray tokenSqError(NDArray x, NDArray z, NDArray wDec, NDArray bDec) {
        return z.matMul(wDec).add(bDec).sub(x).square().sum(new int[]{1});
    }

    static NDArray relu(NDArray a) {
        return ai.djl.nn.Activation.relu(a);
    }

    static NDArray indicator(NDArray condition) {
        return condition.toType(DataType.FLOAT32, false);
    }
}

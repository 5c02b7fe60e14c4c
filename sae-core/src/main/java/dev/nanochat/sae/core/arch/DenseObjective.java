package dev.nanochat.sae.core.arch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.kernels.DeviceScalars;
import dev.nanochat.sae.core.kernels.DeviceTraining;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.train.Adam;
import dev.nanochat.sae.core.train.StepPath;
import java.util.Map;

/**
 * Base of the dense architectures (relu, gated, jumprelu, and TopK on the DENSE path): the forward is
 * written with DJL ops and differentiated by libtorch autograd, on whatever device the arrays live on.
 * Every [B, d_sae] tensor is needed anyway (no sparsity before the activation), so the dense path is the
 * right one; {@link DeviceTraining} keeps the weights and Adam moments on the run's device and applies
 * the update there, so only the per-step metrics below travel to the host.
 */
public abstract class DenseObjective extends Objective {
    /**
     * The differentiable forward: total loss, ‖x − x̂‖² per token [rows], features z [rows, n], aux term
     * (scalar or null), smallest kept activation (scalar or null; BatchTopK's threshold estimate).
     */
    public record Forward(NDArray loss, NDArray tokenSqError, NDArray z, NDArray auxLoss, NDArray minActive) {
        public Forward(NDArray loss, NDArray tokenSqError, NDArray z, NDArray auxLoss) {
            this(loss, tokenSqError, z, auxLoss, null);
        }
    }

    /** Key of the dead-latent indicator [n] (float 0/1) in the forward's parameter map, when the step provides it. */
    public static final String DEAD_MASK = "@dead";

    public DenseObjective(SaeConfig cfg) {
        super(cfg);
    }

    @Override
    public StepPath stepPath(Device device, Params params, Adam adam, Parallel par) {
        return new DeviceTraining(device, this, params, adam);
    }

    /**
     * p: every parameter by name (trainable ones require gradients), x [rows, d], all on one device; c:
     * the scalar operands on that device (no {@code op(Number)} in a forward: each would copy a scalar).
     */
    public abstract Forward forward(Map<String, NDArray> p, NDArray x, StepContext ctx, DeviceScalars c);

    /**
     * Host-side metrics of a forward: loss, Σ‖x − x̂‖², aux and the tokens' errors [rows] when
     * {@code measure} (else NaN/null: nothing is read back), with the fired counts, L0 and smallest kept
     * activation the device step read (or not) beside it.
     */
    public BatchResult result(Forward f, boolean measure, int[] fired, double l0, float minActive) {
        if (!measure) return new BatchResult(Double.NaN, Double.NaN, Double.NaN, l0, fired, null, minActive);
        float[] tokenSq = f.tokenSqError().toFloatArray();
        double sq = 0;
        for (float s : tokenSq) sq += s;
        double aux = f.auxLoss() == null ? 0 : f.auxLoss().getFloat();
        return new BatchResult(f.loss().getFloat(), sq, aux, l0, fired, tokenSq, minActive);
    }

    /** (x − b_dec)·encᵀ + bias: [rows, n]. */
    public static NDArray linear(NDArray xc, NDArray enc, NDArray bias) {
        return xc.matMul(enc.transpose()).add(bias);
    }

    /** ‖x − (z·W_dec + b_dec)‖² per token, [rows]. */
    public static NDArray tokenSqError(NDArray x, NDArray z, NDArray wDec, NDArray bDec) {
        return z.matMul(wDec).add(bDec).sub(x).square().sum(new int[] {1});
    }

    public static NDArray relu(NDArray a) {
        return ai.djl.nn.Activation.relu(a);
    }

    public static NDArray indicator(NDArray condition) {
        return condition.toType(DataType.FLOAT32, false);
    }
}

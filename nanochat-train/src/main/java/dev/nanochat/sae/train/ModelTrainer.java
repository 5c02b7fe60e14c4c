package dev.nanochat.sae.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.GptWeights;
import java.util.List;

/**
 * Trains a nanochat GPT through the nanochat module's differentiable forward ({@link Gpt#loss}).
 *
 * Design: the weights are the leaves (requiresGradient); each step lives in one NDManager scope to
 * which the weights are temporarily attached, so activations, gradient handles and optimizer
 * temporaries are all freed when the step ends. Optimiser: AdamW with nanochat's three learning
 * rates (embedding, unembedding, matrices) and its AdamW betas (0.8, 0.95), no weight decay
 * (nanochat's base default), global gradient norm clipped to 1 (nanochat's grad_clip). nanochat's
 * Muon for the matrices is replaced by AdamW to keep the demo simple.
 */
public final class ModelTrainer implements AutoCloseable {
    private final GptWeights weights;
    private final Gpt gpt;
    private final AdamW optimizer;
    private final List<NDArray> params;
    private int step;

    public ModelTrainer(GptWeights weights, double matrixLr, double embeddingLr, double unembeddingLr) {
        this.weights = weights;
        this.gpt = new Gpt(weights);
        this.params = weights.parameters();
        double[] lr = new double[params.size()];
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            p.setRequiresGradient(true);
            lr[i] = p == weights.wte() ? embeddingLr : p == weights.lmHead() ? unembeddingLr : matrixLr;
        }
        this.optimizer = new AdamW(weights.manager(), params, lr, 0.8, 0.95, 1e-10, 0.0).clipGradNorm(1.0);
    }

    /** One optimisation step on rows [B][T+1]; returns the mean training loss (nats per token). */
    public double step(int[][] rows, double lrMultiplier) {
        try (NDManager scope = weights.manager().newSubManager()) {
            for (NDArray p : params) p.tempAttach(scope);
            NDArray[] io = inputsAndTargets(scope, rows);
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = gpt.loss(io[0], io[1]);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Float.isFinite(loss))
                throw new IllegalStateException(
                        "training loss is " + loss + " at step " + step + "; lower the learning rate");
            optimizer.step(scope, lrMultiplier);
            step++;
            return loss;
        }
    }

    /** Adds the per-token losses of rows [B][T+1] (no gradient) to {@code into}. */
    public void evaluate(int[][] rows, BitsPerByte into) {
        try (NDManager scope = weights.manager().newSubManager()) {
            for (NDArray p : params) p.tempAttach(scope);
            NDArray[] io = inputsAndTargets(scope, rows);
            NDArray nll = gpt.logits(io[0])
                    .logSoftmax(-1)
                    .gather(io[1].expandDims(-1), -1)
                    .neg();
            into.add(nll.toFloatArray(), targets(rows));
        }
    }

    public int steps() {
        return step;
    }

    public GptWeights weights() {
        return weights;
    }

    static int[] targets(int[][] rows) {
        int t = rows[0].length - 1;
        int[] out = new int[rows.length * t];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 1, out, r * t, t);
        return out;
    }

    /** ids = rows[:, :-1] (int32), targets = rows[:, 1:] (int64 for gather), both [B, T]. */
    private static NDArray[] inputsAndTargets(NDManager m, int[][] rows) {
        int b = rows.length, t = rows[0].length - 1;
        int[] ids = new int[b * t];
        for (int r = 0; r < b; r++) System.arraycopy(rows[r], 0, ids, r * t, t);
        NDArray in = m.create(ids, new Shape(b, t));
        NDArray out = m.create(targets(rows), new Shape(b, t)).toType(DataType.INT64, false);
        return new NDArray[] {in, out};
    }

    @Override
    public void close() {
        optimizer.close();
    }
}

package dev.nanochat.sae.core.arch.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeModel;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.util.Map;

/**
 * SAELens "topk": z = ReLU(TopK_k(h)). The seed kept negative top-k values; the ReLU after TopK fixes that.
 * Ties at the k-th value may keep a few extra latents (measure-zero for real activations).
 */
public final class TopKSae extends SaeModel {
    public TopKSae(SaeConfig cfg, Map<String, HostTensor> weights) {
        super(cfg, weights);
        this.selector = new TopKObjective(cfg);
    }

    @Override
    public String saeLensArchitecture() {
        return "topk";
    }

    /** Threads of the Java top-k selection, made on first use (the feature analysis calls from one thread). */
    private Parallel selection;

    /** The training path's selection, reused for inference (its fields are the config only). */
    private final TopKObjective selector;

    /**
     * The k largest pre-activations per token, selected by the training path's
     * {@link TopKObjective#selectWithBias}: in Java straight from the encoder GEMM's native output with
     * b_enc added as each element is read (about 5× cheaper here than libtorch's topk); only [rows, k]
     * values and indices reach the heap, never the dense [rows, d_sae] codes (the feature analysis reads
     * millions of tokens through this). Values equal the dense encode's bit for bit; exactly k candidates
     * per row, so a tie at the k-th value keeps k, not the few more {@link #encodeNd} may. Latents within a
     * row are in selection order, not sorted.
     */
    @Override
    public SparseCodes encodeSparse(float[] x, int rows) {
        checkInput(x, rows);
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray noBias =
                    scope.create(x, new Shape(rows, dIn)).sub(w("b_dec")).matMul(w("W_enc"));
            return selector.selectWithBias(noBias, weights().get("b_enc").data(), rows, selection());
        }
    }

    private synchronized Parallel selection() {
        if (selection == null) selection = new Parallel(Runtime.getRuntime().availableProcessors());
        return selection;
    }

    @Override
    public synchronized void close() {
        if (selection != null) selection.close();
        selection = null;
        super.close();
    }

    @Override
    protected NDArray encodeNd(NDArray x) {
        NDArray h = preActivation(x);
        // kth: [..., 1] smallest of the k largest values per token.
        NDArray kth = h.topK(cfg.k(), -1, true, false).get(0).min(new int[] {-1}, true);
        return h.maximum(0f).mul(h.gte(kth).toType(DataType.FLOAT32, false));
    }
}

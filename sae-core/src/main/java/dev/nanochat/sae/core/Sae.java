package dev.nanochat.sae.core;

import ai.djl.ndarray.NDArray;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.kernels.SparseCodes;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained SAE ready for inference (the artifact every service loads).
 *
 * Implementations hold the SAELens-layout weights (W_enc [d,n], W_dec [n,d], ...) on the raw activation
 * scale (any training normalisation is already folded in). {@link #config()} is the training config when
 * the folder came from us (so a BatchTopK-trained SAE reports "batchtopk" while {@link #saeLensArchitecture()}
 * is "jumprelu"); for foreign SAELens folders it is derived from cfg.json.
 */
public interface Sae extends AutoCloseable {
    SaeConfig config();

    /** cfg.json architecture: "standard", "topk", "jumprelu" or "gated". */
    String saeLensArchitecture();

    /** Dense features, [rows, d_sae] row-major; for small evaluation batches. */
    float[] encode(float[] x, int rows);

    /** Active features per token. */
    default SparseCodes encodeSparse(float[] x, int rows) {
        return SparseCodes.fromDense(encode(x, rows), rows, config().dSae());
    }

    /** x̂ for x [rows, d_in]. */
    float[] reconstruct(float[] x, int rows);

    /** x̂ for x [..., d_in] inside a model forward (same manager as x). */
    NDArray reconstruct(NDArray x);

    /** Features z for x [..., d_in] inside a model forward (same manager and device as x). */
    NDArray encode(NDArray x);

    /** Decoder row i (the feature's direction in activation space), [d_in]. */
    float[] decoderRow(int latent);

    /** SAELens-named weights (W_enc, b_enc, W_dec, b_dec, threshold / b_gate, r_mag, b_mag). */
    Map<String, HostTensor> weights();

    /** Writes a SAELens folder (cfg.json + sae_weights.safetensors), optionally with log10 densities. */
    void save(Path saeLensDir, float[] log10SparsityOrNull);

    default void save(Path saeLensDir) {
        save(saeLensDir, null);
    }

    static Sae load(Path saeLensDir) {
        return SaeRegistry.load(saeLensDir);
    }

    @Override
    void close();
}

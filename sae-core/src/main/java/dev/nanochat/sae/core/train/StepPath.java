package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;

/**
 * How a run's steps compute, chosen once when the {@link Trainer} is built (the objective decides: sparse
 * objectives run the host sparse kernels, dense ones the device step), so the trainer never asks which
 * one it has.
 *
 * A step is two calls so the trainer can refuse a non-finite loss before anything is updated:
 * {@link #forwardBackward} leaves gradients inside the path, {@link #update} clips them (global norm),
 * applies Adam and renormalises the decoder. The host {@link Params}/{@link Adam} are the checkpoint
 * format; a device path keeps its own copy and syncs through {@link #download}/{@link #upload}.
 */
public interface StepPath extends AutoCloseable {
    /** The kernel path actually taken (recorded in checkpoints; a resume takes the same one). */
    TrainingOptions.KernelPath kind();

    /** Loss and gradients of x [rows, d_in] (normalised scale). */
    BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx);

    /**
     * Clip, Adam, decoder renormalisation. Returns the global gradient norm before clipping (after the
     * decoder-parallel component was removed).
     */
    double update(Params host, Adam adam, double lr, GradientClip clip);

    /**
     * As {@link #forwardBackward(Params, float[], int, StepContext)}; with {@code measure} false a device
     * path may skip reading back what only metrics need (loss, aux, per-token errors: NaN/null in the
     * result). Fired counts and L0 are always returned (dead-latent bookkeeping needs them every step).
     */
    default BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx, boolean measure) {
        return forwardBackward(host, x, rows, ctx);
    }

    /** As {@link #update(Params, Adam, double, GradientClip)}; with {@code measure} false the norm may be NaN (not read back). */
    default double update(Params host, Adam adam, double lr, GradientClip clip, boolean measure) {
        return update(host, adam, lr, clip);
    }

    /** Device → host copy of parameters and moments (no-op on the host path). */
    void download(Params host, Adam adam);

    /** Host → device copy after the host values changed (no-op on the host path). */
    void upload(Params host, Adam adam);

    /** One line for startup logs and run status. */
    String describe();

    @Override
    void close();
}

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
     * path may skip reading anything back: loss, aux, L0 and per-token errors are NaN/null, and the step's
     * fired counts stay on the device, added up until the next measured step returns them (firedCounts
     * null until then; the counts then cover every step since the last read, see {@link #drainFired}). A
     * path that tracks latent activity ({@link #trackActivity}) then knows exactly which latents are dead
     * and uses that rather than {@code ctx.dead()}, which may be a superset. The host path returns
     * everything on every step.
     */
    default BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx, boolean measure) {
        return forwardBackward(host, x, rows, ctx);
    }

    /**
     * Starts (or restarts, after a resume) tracking on the path which latents fired last, in tokens, so
     * the dead-latent mask is computed where the step runs, every step, without a read-back: lastFired
     * [n] and tokensSeen as in {@link LatentActivity}, windowTokens its dead window. No-op on the host.
     */
    default void trackActivity(long[] lastFired, long tokensSeen, long windowTokens) {}

    /** The path's exact last-fired tokens [n] (null when it tracks none): a device → host read. */
    default long[] lastFired() {
        return null;
    }

    /**
     * Fired counts added up on the device since they were last read, moved to the host and cleared there
     * (null when the path keeps none). A checkpoint stores them, so when they are recorded does not depend
     * on whether the run was interrupted.
     */
    default int[] drainFired() {
        return null;
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

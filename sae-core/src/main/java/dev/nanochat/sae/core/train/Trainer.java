package dev.nanochat.sae.core.train;

import ai.djl.Device;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Objective;
import dev.nanochat.sae.core.arch.Objectives;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.kernels.Kernels;
import dev.nanochat.sae.core.kernels.Parallel;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains one SAE from batches of activations, whatever their origin (array, file, Kafka).
 *
 * One step: (first step only) input scale s so E‖x‖ = √d_in and b_dec = geometric median of the batch;
 * forward + backward of the architecture's {@link Objective}; remove the decoder-gradient component
 * parallel to each row; Adam; renormalise decoder rows; dead-latent bookkeeping in tokens; resampling
 * for relu/gated. Everything is deterministic given the config seed and the batches, and the whole state
 * (parameters, moments, counters, RNG, schedule position, source position) is checkpointed, so
 * stop-and-resume reproduces an uninterrupted run.
 *
 * Devices: {@link TrainingOptions#device()} is resolved through DJL when the trainer is built (an invisible
 * GPU fails here). The sparse TopK/BatchTopK path runs Java kernels over the host parameters (CPU only);
 * the dense path keeps parameters and moments on the device ({@link DeviceTraining}) and the host copies
 * are refreshed only for checkpoints, export and resampling.
 */
public final class Trainer implements AutoCloseable {
    private static final int MEDIAN_ITERATIONS = 30;
    final SaeConfig cfg;
    TrainingOptions opts;
    final Objective objective;
    final Params params;
    final Adam adam;
    final LatentActivity activity;
    final Rng rng;
    private final Parallel par;
    final Device device;
    /** How steps compute (host sparse kernels or the dense device step), chosen once by the objective. */
    final StepPath path;

    final GradientClip clip;
    /** True when the device copy has steps the host {@link #params}/{@link #adam} have not seen. */
    private boolean hostStale;

    long step;
    long tokens;
    float scale = 1f;
    boolean initialised;
    Map<String, String> sourcePosition = Map.of();
    /** Set by a resume on another device than the checkpoint's (shown in {@link #engineDescription()}). */
    String resumeNote;
    /** The latest batch (normalised scale), for exports estimated under the final weights; not checkpointed. */
    private float[] recentBatch;

    private int recentRows;
    /** The latest step whose loss/MSE/FVU/aux/gradient norm were read back (steps in between repeat them). */
    private StepMetrics lastMeasured;
    /** Whether the path was handed the activity record (once per trainer, after a resume restored it). */
    private boolean activityTracked;

    public Trainer(SaeConfig cfg, TrainingOptions opts) {
        this.cfg = cfg;
        this.opts = opts;
        this.device = TrainingDevice.resolve(opts.device());
        this.objective = Objectives.create(cfg, opts);
        this.rng = new Rng(cfg.seed());
        this.params = objective.init(rng);
        this.adam = new Adam(params);
        this.activity = new LatentActivity(cfg.dSae(), cfg.deadWindowTokens());
        this.par = new Parallel(opts.effectiveThreads());
        this.path = objective.stepPath(device, params, adam, par);
        this.clip = new GradientClip(cfg.gradClipNorm());
    }

    /** Which device and kernels run, for startup lines and run status. */
    public String engineDescription() {
        return "device " + device + "; " + path.describe() + ": "
                + objective.getClass().getSimpleName() + (resumeNote == null ? "" : "; " + resumeNote);
    }

    /** The kernel path the steps take (recorded in checkpoints). */
    public TrainingOptions.KernelPath kernelPath() {
        return path.kind();
    }

    /** The DJL device this run computes on. */
    public Device device() {
        return device;
    }

    public SaeConfig config() {
        return cfg;
    }

    public TrainingOptions options() {
        return opts;
    }

    public long tokensSeen() {
        return tokens;
    }

    public long stepsDone() {
        return step;
    }

    /**
     * The step whose loss/MSE/FVU/aux/gradient norm were last read back (-1 before the first): a step's
     * metrics are fresh when their step is this one, otherwise they repeat it (see metrics_every).
     */
    public long lastMeasuredStep() {
        return lastMeasured == null ? -1 : lastMeasured.step();
    }

    /** Source position stored with the checkpoint this trainer was resumed from (empty for a fresh run). */
    public Map<String, String> sourcePosition() {
        return sourcePosition;
    }

    /** Changes the run length (e.g. to continue a finished run); the LR schedule follows the new horizon. */
    public void setTotalTokens(long totalTokens) {
        opts = opts.withTotalTokens(totalTokens);
    }

    /** Steps in the whole run, from the token budget (0 = unknown). */
    public long totalSteps() {
        return (opts.totalTokens() + cfg.batchSize() - 1) / cfg.batchSize();
    }

    /** One optimisation step on batch [rows, d_in] (row-major; extra floats beyond rows·d_in are ignored). */
    public StepMetrics step(float[] batch, int rows) {
        int d = cfg.dIn();
        if (rows <= 0) throw new IllegalArgumentException("batch must have at least one row, got " + rows);
        if (batch.length < (long) rows * d)
            throw new IllegalArgumentException(
                    "batch has " + batch.length + " floats, fewer than rows=" + rows + " × d_in=" + d);
        float[] x = new float[rows * d];
        for (int i = 0; i < x.length; i++) {
            float v = batch[i];
            if (!Float.isFinite(v))
                throw new IllegalArgumentException(
                        "batch row " + (i / d) + " column " + (i % d) + " is " + v + " (NaN/Inf activations)");
            x[i] = v;
        }
        if (!initialised) initialiseFrom(x, rows);
        if (scale != 1f) for (int i = 0; i < x.length; i++) x[i] *= scale;
        double lr = LrSchedule.lr(cfg, step, totalSteps());
        double coefficient = LrSchedule.sparsityCoefficient(cfg, step);
        boolean[] dead = activity.dead(tokens);
        StepContext ctx = new StepContext(coefficient, dead, LatentActivity.count(dead), par);
        boolean resampleStep = objective.resamplesDeadLatents()
                && cfg.resampleInterval() > 0
                && (step + 1) % cfg.resampleInterval() == 0;
        // Metrics (and the finite-loss check) every metrics_every steps, counted in global steps so a
        // resumed run reads them on the same steps as an uninterrupted one; also on a run's first and last
        // step, before resampling (it needs the per-token errors) and when the activity window closes (so
        // the counts a device step adds up in between fall into the right window). Nothing the weights
        // depend on is read back here: a device path masks dead latents from its own activity record.
        boolean measure = lastMeasured == null
                || resampleStep
                || (step + 1) % opts.effectiveMetricsEvery() == 0
                || step + 1 == totalSteps()
                || activity.windowClosesAt(tokens + rows);
        if (!activityTracked) {
            path.trackActivity(activity.lastFired, tokens, activity.windowTokens);
            activityTracked = true;
        }
        BatchResult r = path.forwardBackward(params, x, rows, ctx, measure);
        if (measure && !Double.isFinite(r.loss()))
            throw new IllegalStateException("loss became " + r.loss() + " at step " + step + " (lr " + lr + ")");
        double gradNorm = path.update(params, adam, lr, clip, measure);
        hostStale = true;
        objective.afterStep(params, r);
        recentBatch = x;
        recentRows = rows;
        step++;
        tokens += rows;
        if (r.firedCounts() != null) {
            activity.record(r.firedCounts(), tokens);
            activity.setLastFired(path.lastFired()); // the device's exact record (null on the host path)
        }
        if (resampleStep) {
            syncedParams();
            Resampler.resample(params, adam, resampleTargets(), x, r.tokenSqError(), rows, rng);
            hostChanged();
        }
        // Where the step read no fired counts back (a device step between measured steps) the host's
        // activity record lags, so its dead count would be a superset: repeat the measured one instead.
        boolean exactActivity = r.firedCounts() != null;
        double deadFraction = exactActivity
                ? (double) LatentActivity.count(activity.dead(tokens)) / cfg.dSae()
                : lastMeasured.deadFraction();
        if (!measure) {
            StepMetrics p = lastMeasured;
            return new StepMetrics(
                    step,
                    tokens,
                    p.loss(),
                    p.mse(),
                    p.fvu(),
                    Double.isNaN(r.l0()) ? p.l0() : r.l0(),
                    deadFraction,
                    lr,
                    p.auxLoss(),
                    coefficient,
                    p.gradNorm());
        }
        double variance = centredSquareSum(x, rows, d);
        double fvu = variance > 0 ? r.sqErrSum() / variance : Double.NaN;
        lastMeasured = new StepMetrics(
                step,
                tokens,
                r.loss(),
                r.sqErrSum() / rows / ((double) scale * scale),
                fvu,
                r.l0(),
                deadFraction,
                lr,
                r.auxLoss(),
                coefficient,
                gradNorm);
        return lastMeasured;
    }

    /** Dead latents plus those firing below dead_latent_threshold over the last window. */
    private boolean[] resampleTargets() {
        boolean[] t = activity.dead(tokens);
        double[] f = activity.frequency(tokens);
        for (int i = 0; i < t.length; i++) t[i] |= f[i] < cfg.deadLatentThreshold();
        return t;
    }

    private void initialiseFrom(float[] x, int rows) {
        int d = cfg.dIn();
        if (cfg.normalizeActivations()) {
            double normSum = 0;
            for (int t = 0; t < rows; t++) normSum += Math.sqrt(Kernels.dot(x, t * d, x, t * d, d));
            double meanNorm = normSum / rows;
            scale = meanNorm > 0 ? (float) (Math.sqrt(d) / meanNorm) : 1f;
        }
        float[] scaled = x.clone();
        for (int i = 0; i < scaled.length; i++) scaled[i] *= scale;
        System.arraycopy(GeometricMedian.of(scaled, rows, d, MEDIAN_ITERATIONS), 0, params.get("b_dec"), 0, d);
        initialised = true;
        hostChanged();
    }

    /** The host parameters (and Adam moments), refreshed from the device first when the dense path ran. */
    Params syncedParams() {
        if (hostStale) {
            path.download(params, adam);
            int[] pending = path.drainFired();
            if (pending != null) activity.addPending(pending);
            activity.setLastFired(path.lastFired());
        }
        hostStale = false;
        return params;
    }

    /** After the host parameters or moments were written (init, resampling, resume): refresh the device copy. */
    void hostChanged() {
        path.upload(params, adam);
        hostStale = false;
    }

    static double centredSquareSum(float[] x, int rows, int d) {
        double[] mean = new double[d];
        for (int t = 0; t < rows; t++) for (int j = 0; j < d; j++) mean[j] += x[t * d + j];
        for (int j = 0; j < d; j++) mean[j] /= rows;
        double s = 0;
        for (int t = 0; t < rows; t++)
            for (int j = 0; j < d; j++) {
                double v = x[t * d + j] - mean[j];
                s += v * v;
            }
        return s;
    }

    /** Inference SAE on the raw activation scale (normalisation folded in; BatchTopK as JumpReLU). */
    public Sae exportSae() {
        return objective.export(syncedParams(), scale, recentBatch, recentRows);
    }

    /** Per-latent log10 firing frequency over the last window (floor 1e-10), for sparsity.safetensors. */
    public float[] log10Density() {
        double[] f = activity.frequency(tokens);
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (float) Math.log10(Math.max(f[i], 1e-10));
        return out;
    }

    /** Writes the SAELens folder plus training_state/ atomically into dir. */
    public void checkpoint(Path dir, Map<String, String> sourcePosition) {
        syncedParams();
        TrainingState.write(this, dir, sourcePosition == null ? Map.of() : Map.copyOf(sourcePosition));
    }

    /** Restores a trainer from a checkpoint folder written by {@link #checkpoint}. */
    public static Trainer resume(Path dir) {
        return TrainingState.read(dir, null);
    }

    /** As {@link #resume(Path)} but on another device (e.g. a GPU checkpoint resumed on the CPU); null = as stored. */
    public static Trainer resume(Path dir, String device) {
        return TrainingState.read(dir, device);
    }

    @Override
    public void close() {
        par.close();
        path.close();
    }
}

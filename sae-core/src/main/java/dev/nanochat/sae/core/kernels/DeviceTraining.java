package dev.nanochat.sae.core.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.arch.batchtopk.BatchTopKObjective;
import dev.nanochat.sae.core.train.Adam;
import dev.nanochat.sae.core.train.GradientClip;
import dev.nanochat.sae.core.train.StepPath;
import dev.nanochat.sae.core.train.TrainingOptions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dense path's training state on the run's DJL device: trainable parameters (autograd leaves) and
 * their Adam moments live in one long-lived NDManager on that device, and a step (forward, backward,
 * decoder-gradient projection, Adam, decoder renormalisation) runs there end to end. The host copies in
 * {@link Params}/{@link Adam} are the checkpoint format: {@link #download} before anything reads them
 * (checkpoint, export, resampling), {@link #upload} after anything writes them (b_dec init, resampling,
 * resume). float32 copies both ways are exact, so stop-and-resume is exact across devices.
 *
 * Per step only the batch goes up ([rows, d]); what comes down is read on measured steps only
 * ({@link TrainingOptions#metricsEvery}): loss, [rows] errors, L0, and the [n] fired counts, which are
 * added up on the device in between (a checkpoint takes the pending sum along, {@link #drainFired}).
 * What the weights depend on never waits for a read: the device keeps each latent's last-fired token
 * count ({@link #trackActivity}) and masks dead latents from it every step, and BatchTopK's running
 * threshold is updated on the device (read back with the parameters). Each step runs in a sub-manager
 * the long-lived arrays are temporarily attached to, so every intermediate (activations, gradient
 * handles, optimizer temporaries) is freed when the step ends. Other non-trainable entries are
 * uploaded only when their host values change.
 *
 * No per-op host → device scalar copies: DJL's {@code mul(Number)} etc. create a fresh array per call
 * (on a GPU, a copy each). The forwards take theirs from {@link DeviceScalars}; Adam's constant factors
 * and the clip threshold are device scalars created once; the per-step values (lr / (1 − β1^t),
 * √(1 − β2^t)) go up as one [2] array per step; the gradient norm and the clip factor are computed on
 * the device and only read back on measured steps.
 *
 * Threads: libtorch's grad mode is a per-thread flag (DJL only switches it off on the thread that created
 * the engine) and DJL's PtGradientCollector allows one collector per JVM. So this class never uses the
 * collector: the forward runs with grad mode switched on for the calling thread and backward is called
 * on the loss directly; the update runs with grad mode off (in-place updates of leaves that require
 * grad are refused otherwise); the thread's previous mode is restored either way. Any number of runs can
 * therefore train at once, each on its own thread.
 */
public final class DeviceTraining implements StepPath {
    /** BatchTopK's non-trainable running threshold entry, tracked on the device when present. */
    private static final String RUNNING_THRESHOLD = "threshold";

    private final Device device;
    private final DenseObjective objective;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();
    /** Device copies of non-trainable entries and the host values they were made from. */
    private final Map<String, NDArray> frozen = new HashMap<>();

    private final Map<String, float[]> frozenHost = new HashMap<>();
    private NDArray deadMask;
    private boolean[] deadHost;
    /** β1, 1 − β1, β2, 1 − β2, ε, smallest normal float, 1, 1e-12: device scalars made once. */
    private final NDArray beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, tiny, one, clipEps;

    private NDArray clipMax;
    private double clipMaxValue = Double.NaN;
    /** Fired counts [n] (int64) added up since they were last read back; null when nothing is pending. */
    private NDArray firedSum;
    /** BatchTopK's running threshold [1] on the device (null for the other architectures). */
    private NDArray threshold;
    /** Tokens at each latent's last firing [n], tokens seen and the dead window (int64), once tracked. */
    private NDArray lastFired, tokens, window;
    /** The step's row count as an int64 scalar, re-created only when it changes (the last batch). */
    private NDArray rowsNd;

    private int rowsNdValue = -1;
    /** +max float, 0.99, 0.01: device scalars for the running threshold. */
    private final NDArray maxFloat, momentum, oneMinusMomentum;
    /** The dense forwards' scalar operands, on the device (no per-op host → device scalar). */
    private final DeviceScalars scalars;

    public DeviceTraining(Device device, Params host, Adam adam) {
        this(device, null, host, adam);
    }

    /** The dense step of {@code objective} (null: only {@link #forwardBackward(DenseObjective, Params, float[], int, StepContext)}). */
    public DeviceTraining(Device device, DenseObjective objective, Params host, Adam adam) {
        this.device = device;
        this.objective = objective;
        this.manager = NDManager.newBaseManager(device);
        beta1 = manager.create(Adam.BETA1);
        oneMinusBeta1 = manager.create(1 - Adam.BETA1);
        beta2 = manager.create(Adam.BETA2);
        oneMinusBeta2 = manager.create(1 - Adam.BETA2);
        eps = manager.create(Adam.EPS);
        tiny = manager.create(Float.MIN_NORMAL);
        one = manager.create(1f);
        clipEps = manager.create(1e-12f);
        scalars = new DeviceScalars(manager);
        maxFloat = manager.create(Float.MAX_VALUE);
        momentum = manager.create((float) BatchTopKObjective.THRESHOLD_MOMENTUM);
        oneMinusMomentum = manager.create((float) (1 - BatchTopKObjective.THRESHOLD_MOMENTUM));
        upload(host, adam);
    }

    public Device device() {
        return device;
    }

    @Override
    public TrainingOptions.KernelPath kind() {
        return TrainingOptions.KernelPath.DENSE;
    }

    @Override
    public String describe() {
        return "dense path (DJL " + ai.djl.engine.Engine.getInstance().getVersion() + " autograd + device Adam)";
    }

    @Override
    public BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx) {
        return forwardBackward(objective, host, x, rows, ctx, true);
    }

    @Override
    public BatchResult forwardBackward(Params host, float[] x, int rows, StepContext ctx, boolean measure) {
        return forwardBackward(objective, host, x, rows, ctx, measure);
    }

    @Override
    public void trackActivity(long[] lastFiredTokens, long tokensSeen, long windowTokens) {
        if (lastFired != null) lastFired.close();
        if (tokens != null) tokens.close();
        if (window != null) window.close();
        lastFired = manager.create(lastFiredTokens.clone());
        tokens = manager.create(tokensSeen);
        window = manager.create(windowTokens);
    }

    /** Device scalars the forwards hold (tests: bounded by the code, not by the steps taken). */
    public int deviceScalarCount() {
        return scalars.size();
    }

    @Override
    public long[] lastFired() {
        return lastFired == null ? null : lastFired.toLongArray();
    }

    @Override
    public int[] drainFired() {
        if (firedSum == null) return null;
        int[] counts = counts(firedSum);
        firedSum.close();
        firedSum = null;
        return counts;
    }

    private static int[] counts(NDArray sum) {
        long[] c = sum.toLongArray();
        int[] out = new int[c.length];
        for (int i = 0; i < c.length; i++) out[i] = (int) Math.min(Integer.MAX_VALUE, c[i]);
        return out;
    }

    /** Replaces the device copies of trainable parameters and moments with the host values. */
    @Override
    public void upload(Params host, Adam adam) {
        releaseArrays();
        for (Params.Entry e : host.entries()) {
            if (!e.trainable()) continue;
            Shape shape = new Shape(e.shape());
            NDArray p = manager.create(e.data(), shape);
            p.setRequiresGradient(true);
            params.put(e.name(), p);
            m.put(e.name(), manager.create(adam.m.get(e.name()), shape));
            v.put(e.name(), manager.create(adam.v.get(e.name()), shape));
        }
        if (threshold != null) threshold.close();
        threshold = host.has(RUNNING_THRESHOLD)
                ? manager.create(host.get(RUNNING_THRESHOLD).clone())
                : null;
    }

    /** Copies the device parameters and moments into the host tensors (device → host floats). */
    @Override
    public void download(Params host, Adam adam) {
        // toFloatArray copies straight into a Java array: no intermediate NDArray is created or left behind.
        params.forEach((name, p) -> {
            copy(p, host.get(name), name);
            copy(m.get(name), adam.m.get(name), "m." + name);
            copy(v.get(name), adam.v.get(name), "v." + name);
        });
        if (threshold != null) copy(threshold, host.get(RUNNING_THRESHOLD), RUNNING_THRESHOLD);
    }

    /** The device copy of a non-trainable entry, re-uploaded only when its host values changed. */
    private NDArray frozen(Params.Entry e) {
        float[] last = frozenHost.get(e.name());
        NDArray nd = frozen.get(e.name());
        if (nd == null || !java.util.Arrays.equals(last, e.data())) {
            if (nd != null) nd.close();
            nd = manager.create(e.data(), new Shape(e.shape()));
            frozen.put(e.name(), nd);
            frozenHost.put(e.name(), e.data().clone());
        }
        return nd;
    }

    /** The dead-latent indicator [n] (float), re-uploaded only when the dead set changed. */
    private NDArray deadMask(boolean[] dead) {
        if (deadMask == null || !java.util.Arrays.equals(deadHost, dead)) {
            if (deadMask != null) deadMask.close();
            try (NDManager tmp = manager.newSubManager()) {
                NDArray mask = tmp.create(dead).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                mask.attach(manager);
                deadMask = mask;
            }
            deadHost = dead.clone();
        }
        return deadMask;
    }

    /** The current gradient of a trainable parameter, on the host (diagnostics and tests). */
    public float[] gradient(String name) {
        NDArray p = params.get(name);
        if (p == null)
            throw new IllegalArgumentException("no trainable parameter '" + name + "' (have " + params.keySet() + ")");
        try (NDArray g = p.getGradient()) {
            return g.toFloatArray();
        }
    }

    /** Forward + backward of x [rows, d]; gradients stay on the device leaves for {@link #update}. */
    public BatchResult forwardBackward(DenseObjective objective, Params host, float[] x, int rows, StepContext ctx) {
        return forwardBackward(objective, host, x, rows, ctx, true);
    }

    /**
     * As above, reading back only if {@code measure}: metrics, and the fired counts [n] added up on the
     * device since the last read. With {@link #trackActivity} on, the dead mask is the device's own.
     * BatchTopK's running threshold is updated on the device.
     */
    public BatchResult forwardBackward(
            DenseObjective objective, Params host, float[] x, int rows, StepContext ctx, boolean measure) {
        try (NDManager step = manager.newSubManager()) {
            Map<String, NDArray> nd = new HashMap<>();
            for (Params.Entry e : host.entries()) {
                if (e.trainable()) {
                    NDArray p = params.get(e.name());
                    p.tempAttach(step);
                    // libtorch accumulates into .grad: start every backward from zero. zero_() (unlike
                    // g − g) also clears NaN/Inf a failed step may have left behind.
                    JniUtils.zeroGrad((PtNDArray) p);
                    nd.put(e.name(), p);
                } else {
                    NDArray f = frozen(e);
                    f.tempAttach(step);
                    nd.put(e.name(), f);
                }
            }
            if (lastFired != null) for (NDArray c : List.of(lastFired, tokens, window)) c.tempAttach(step);
            if (ctx.deadCount() > 0 && lastFired != null) {
                // ctx.dead() is the host's superset (its last-fired tokens lag by up to metrics_every
                // steps); the exact mask comes from the device's own: tokens − lastFired ≥ window.
                NDArray exact = tokens.sub(lastFired).gte(window).toType(DataType.FLOAT32, false);
                nd.put(DenseObjective.DEAD_MASK, exact);
            } else if (ctx.dead() != null && ctx.deadCount() > 0) {
                NDArray mask = deadMask(ctx.dead());
                mask.tempAttach(step);
                nd.put(DenseObjective.DEAD_MASK, mask);
            }
            DenseObjective.Forward f;
            boolean prior = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try {
                f = objective.forward(nd, step.create(x, new Shape(rows, objective.d)), ctx, scalars);
                // ∂loss/∂leaves, accumulated into each leaf's .grad (zeroed above): seed 1, no graph kept.
                PtNDArray loss = (PtNDArray) f.loss();
                JniUtils.backward(loss, (PtNDArray) loss.onesLike(), false, false);
            } finally {
                JniUtils.setGradMode(prior);
            }
            NDArray stepFired = f.z().stopGradient()
                    .gt(scalars.of(0f))
                    .toType(DataType.INT64, false)
                    .sum(new int[] {0}); // [n]
            if (lastFired != null) recordFired(stepFired, rows, step);
            NDArray total = firedSum == null ? stepFired : stepFired.add(firedSum);
            if (firedSum != null) firedSum.close();
            int[] fired = null;
            if (measure) {
                fired = counts(total);
                firedSum = null;
            } else {
                total.attach(manager);
                firedSum = total;
            }
            double l0 = measure ? (double) stepFired.sum().getLong() / rows : Double.NaN;
            float minActive = Float.NaN;
            if (f.minActive() != null) {
                if (threshold != null) updateThreshold(f.minActive(), step);
                if (measure) {
                    float v = f.minActive().getFloat();
                    minActive = v >= Float.MAX_VALUE ? Float.NaN : v;
                }
            }
            return objective.result(f, measure, fired, l0, minActive);
        }
    }

    /** tokens += rows; lastFired = tokens where the latent fired this step (in place, int64). */
    private void recordFired(NDArray stepFired, int rows, NDManager step) {
        if (rowsNd == null || rowsNdValue != rows) {
            if (rowsNd != null) rowsNd.close();
            rowsNd = manager.create((long) rows);
            rowsNdValue = rows;
        }
        rowsNd.tempAttach(step); // lastFired and tokens are attached to the step already
        tokens.addi(rowsNd);
        NDArray firedNow = stepFired.gt(scalars.of(0f)).toType(DataType.INT64, false);
        lastFired.addi(firedNow.mul(tokens.sub(lastFired)));
    }

    /**
     * BatchTopK's running threshold θ ← 0.99·θ + 0.01·minActive (θ = minActive while θ &lt; 0, i.e. not
     * yet estimated; unchanged when nothing was kept, minActive = +max), in place on the device with 0/1
     * indicators rather than a read-back. The host copy is refreshed by {@link #download}.
     */
    private void updateThreshold(NDArray minActive, NDManager step) {
        for (NDArray c : List.of(threshold, maxFloat, momentum, oneMinusMomentum, one)) c.tempAttach(step);
        NDArray kept = minActive.lt(maxFloat).toType(DataType.FLOAT32, false);
        NDArray unset = threshold.lt(scalars.of(0f)).toType(DataType.FLOAT32, false);
        NDArray blended = threshold.mul(momentum).add(minActive.mul(oneMinusMomentum));
        NDArray fresh = unset.mul(minActive).add(one.sub(unset).mul(blended));
        threshold.muli(one.sub(kept)).addi(kept.mul(fresh));
    }

    /**
     * The optimizer half of a step, on the device: remove from ∂W_dec each row's component parallel to
     * W_dec [n, d]; Adam with bias correction (same formula as {@link Adam#step}); renormalise W_dec rows.
     * Between projection and Adam the global gradient norm is clipped ({@link GradientClip}), on the
     * device; the norm is returned. Grad mode is off for the whole update: libtorch refuses in-place
     * writes to leaves that require grad.
     */
    @Override
    public double update(Params host, Adam adam, double lr, GradientClip clip) {
        return update(adam, lr, objective.cfg.normalizeDecoder(), clip, true);
    }

    @Override
    public double update(Params host, Adam adam, double lr, GradientClip clip, boolean measure) {
        return update(adam, lr, objective.cfg.normalizeDecoder(), clip, measure);
    }

    public double update(Adam adam, double lr, boolean normalizeDecoder, GradientClip clip) {
        return update(adam, lr, normalizeDecoder, clip, true);
    }

    /** As above; the returned norm is NaN unless {@code measure} (reading it back synchronises the device). */
    public double update(Adam adam, double lr, boolean normalizeDecoder, GradientClip clip, boolean measure) {
        adam.t++;
        float c1 = (float) (1 - Math.pow(Adam.BETA1, adam.t));
        float c2 = (float) (1 - Math.pow(Adam.BETA2, adam.t));
        float stepSize = (float) lr / c1;
        float sqrtC2 = (float) Math.sqrt(c2);
        boolean prior = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = manager.newSubManager()) {
            for (NDArray c : List.of(beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, tiny, one, clipEps))
                c.tempAttach(step);
            // The step's only host → device transfer besides the batch: the two bias-corrected factors.
            NDArray perStep = step.create(new float[] {stepSize, sqrtC2});
            NDArray stepSizeNd = perStep.get(0), sqrtC2Nd = perStep.get(1);
            Map<String, NDArray> grads = new HashMap<>();
            params.forEach((name, p) -> {
                p.tempAttach(step);
                m.get(name).tempAttach(step);
                v.get(name).tempAttach(step);
                grads.put(name, p.getGradient());
            });
            NDArray w = params.get("W_dec");
            if (normalizeDecoder) {
                NDArray g = grads.get("W_dec");
                g.subi(g.mul(w).sum(new int[] {1}, true).mul(w)); // [n, 1] dots × rows
            }
            NDArray sq = null;
            for (NDArray g : grads.values())
                sq = sq == null ? g.square().sum() : sq.add(g.square().sum());
            NDArray norm = sq.sqrt();
            if (clip.enabled()) {
                // factor = maxNorm / (norm + 1e-12) when norm > maxNorm, else exactly 1 (min with 1), on the device.
                NDArray max = clipMax(clip.maxNorm());
                max.tempAttach(step);
                NDArray factor = max.div(norm.add(clipEps)).minimum(one);
                for (NDArray g : grads.values()) g.muli(factor);
            }
            params.forEach((name, p) -> {
                NDArray g = grads.get(name), mi = m.get(name), vi = v.get(name);
                mi.muli(beta1).addi(g.mul(oneMinusBeta1));
                vi.muli(beta2).addi(g.square().muli(oneMinusBeta2));
                // p -= lr · m̂ / (√v̂ + ε) with m̂ = m/c1, √v̂ = √v/√c2
                p.subi(mi.mul(stepSizeNd).divi(vi.sqrt().divi(sqrtC2Nd).addi(eps)));
            });
            // Zero rows stay zero (0 / tiny); others become unit rows, as DecoderNorm.normalizeRows.
            if (normalizeDecoder)
                w.divi(w.square().sum(new int[] {1}, true).sqrt().maximum(tiny));
            return measure ? norm.getFloat() : Double.NaN;
        } finally {
            JniUtils.setGradMode(prior);
        }
    }

    private NDArray clipMax(double maxNorm) {
        if (clipMax == null || clipMaxValue != maxNorm) {
            if (clipMax != null) clipMax.close();
            clipMax = manager.create((float) maxNorm);
            clipMaxValue = maxNorm;
        }
        return clipMax;
    }

    private static void copy(NDArray from, float[] into, String name) {
        float[] data = from.toFloatArray();
        if (data.length != into.length)
            throw new IllegalStateException(
                    "device tensor '" + name + "' has " + data.length + " values, host has " + into.length);
        System.arraycopy(data, 0, into, 0, into.length);
    }

    private void releaseArrays() {
        for (Map<String, NDArray> map : List.of(params, m, v, frozen)) {
            map.values().forEach(NDArray::close);
            map.clear();
        }
        if (threshold != null) threshold.close();
        threshold = null;
        frozenHost.clear();
    }

    @Override
    public void close() {
        releaseArrays();
        manager.close();
    }
}

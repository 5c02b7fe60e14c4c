package dev.nanochat.sae.core.kernels;

import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.train.Adam;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dense path's training state on the run's DJL device: trainable parameters (autograd leaves) and
 * their Adam moments live in one long-lived NDManager on that device, and a step (forward, backward,
 * decoder-gradient projection, Adam, decoder renormalisation) runs there end to end. The host copies in
 * {@link Params}/{@link Adam} are the checkpoint format: {@link #download} before anything reads them
 * (checkpoint, export, resampling), {@link #upload} after anything writes them (b_dec init, resampling,
 * resume). float32 copies both ways are exact, so stop-and-resume is exact across devices.
 *
 * Per step only the batch goes up ([rows, d]) and metrics come down (loss, [rows] errors, [n] fired
 * counts). Each step runs in a sub-manager the long-lived arrays are temporarily attached to, so every
 * intermediate (activations, gradient handles, optimizer temporaries) is freed when the step ends.
 * Non-trainable entries (BatchTopK's threshold) stay host-owned and are sent per step.
 */
public final class DeviceTraining implements AutoCloseable {
    private final Device device;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();

    public DeviceTraining(Device device, Params host, Adam adam) {
        this.device = device;
        this.manager = NDManager.newBaseManager(device);
        upload(host, adam);
    }

    public Device device() {
        return device;
    }

    /** Replaces the device copies of trainable parameters and moments with the host values. */
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
    }

    /** Copies the device parameters and moments into the host tensors (device → host floats). */
    public void download(Params host, Adam adam) {
        params.forEach((name, p) -> {
            copy(p, host.get(name), name);
            copy(m.get(name), adam.m.get(name), "m." + name);
            copy(v.get(name), adam.v.get(name), "v." + name);
        });
    }

    /** Forward + backward of x [rows, d]; gradients stay on the device leaves for {@link #update}. */
    public BatchResult forwardBackward(DenseObjective objective, Params host, float[] x, int rows, StepContext ctx) {
        try (NDManager step = manager.newSubManager()) {
            Map<String, NDArray> nd = new HashMap<>();
            for (Params.Entry e : host.entries()) {
                if (e.trainable()) {
                    NDArray p = params.get(e.name());
                    p.tempAttach(step);
                    nd.put(e.name(), p);
                } else {
                    nd.put(e.name(), step.create(e.data(), new Shape(e.shape())));
                }
            }
            DenseObjective.Forward f;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                f = objective.forward(nd, step.create(x, new Shape(rows, objective.d)), ctx);
                gc.backward(f.loss());
            }
            return objective.result(f, rows);
        }
    }

    /**
     * The optimizer half of a step, on the device: remove from ∂W_dec each row's component parallel to
     * W_dec [n, d]; Adam with bias correction (same formula as {@link Adam#step}); renormalise W_dec rows;
     * zero the gradients (libtorch accumulates them across backward calls).
     */
    public void update(Adam adam, double lr, boolean normalizeDecoder) {
        adam.t++;
        float c1 = (float) (1 - Math.pow(Adam.BETA1, adam.t));
        float c2 = (float) (1 - Math.pow(Adam.BETA2, adam.t));
        float stepSize = (float) lr / c1;
        float sqrtC2 = (float) Math.sqrt(c2);
        try (NDManager step = manager.newSubManager()) {
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
                g.subi(g.mul(w).sum(new int[]{1}, true).mul(w)); // [n, 1] dots × rows
            }
            params.forEach((name, p) -> {
                NDArray g = grads.get(name), mi = m.get(name), vi = v.get(name);
                mi.muli(Adam.BETA1).addi(g.mul(1 - Adam.BETA1));
                vi.muli(Adam.BETA2).addi(g.square().muli(1 - Adam.BETA2));
                // p -= lr · m̂ / (√v̂ + ε) with m̂ = m/c1, √v̂ = √v/√c2
                p.subi(mi.mul(stepSize).divi(vi.sqrt().divi(sqrtC2).addi(Adam.EPS)));
                g.subi(g);
            });
            // Zero rows stay zero (0 / tiny); others become unit rows, as DecoderNorm.normalizeRows.
            if (normalizeDecoder) w.divi(w.square().sum(new int[]{1}, true).sqrt().maximum(Float.MIN_NORMAL));
        }
    }

    private static void copy(NDArray from, float[] into, String name) {
        float[] data = from.toFloatArray();
        if (data.length != into.length)
            throw new IllegalStateException("device tensor '" + name + "' has " + data.length + " values, host has " + into.length);
        System.arraycopy(data, 0, into, 0, into.length);
    }

    private void releaseArrays() {
        for (Map<String, NDArray> map : java.util.List.of(params, m, v)) {
            map.values().forEach(NDArray::close);
            map.clear();
        }
    }

    @Override public void close() {
        releaseArrays();
        manager.close();
    }
}

package dev.nanochat.sae.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.io.SaeLensFolder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shared inference math of the SAELens architectures: x_c = x − b_dec, activation of the encoder
 * pre-activations (per subclass), x̂ = z·W_dec + b_dec.
 *
 * Design: weights live on the Java heap (SAELens names and layout) and, lazily, as DJL arrays in one
 * long-lived manager per device owned by this object (closed by {@link #close()}): a splice into a model
 * on a GPU gets weights created on that GPU (the activation's device), once, rather than on DJL's default
 * device, which would mean a cross-device copy per call or a device-mismatch error; every call runs in its own
 * sub-manager so nothing leaks. The first use may happen inside a caller's {@link NDScope} (nanochat's
 * forward opens one and a splice calls {@link #reconstruct(NDArray)} in it): the weights are unregistered
 * from that scope so closing it does not release them.
 * Inference is dense (DJL GEMMs), which is right for evaluation and splicing; training uses the sparse
 * kernels instead.
 */
public abstract class SaeModel implements Sae {
    protected final SaeConfig cfg;
    protected final int dIn;
    protected final int dSae;
    private final Map<String, HostTensor> weights;
    private final Map<ai.djl.Device, NDManager> managers = new java.util.HashMap<>();
    private final Map<ai.djl.Device, Map<String, NDArray>> onDevice = new java.util.HashMap<>();
    /** The device of the activation the current call on this thread computes on (null: DJL's default). */
    private static final ThreadLocal<ai.djl.Device> CALL_DEVICE = new ThreadLocal<>();

    protected SaeModel(SaeConfig cfg, Map<String, HostTensor> weights) {
        this.cfg = cfg;
        this.dIn = cfg.dIn();
        this.dSae = cfg.dSae();
        this.weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes().entrySet()) {
            HostTensor t = weights.get(e.getKey());
            if (t == null)
                throw new IllegalArgumentException(saeLensArchitecture() + " SAE is missing tensor '" + e.getKey()
                        + "' (have " + weights.keySet() + ")");
            if (!java.util.Arrays.equals(t.shape(), e.getValue()))
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(e.getValue())
                        + " for d_in=" + dIn + ", d_sae=" + dSae);
            for (float v : t.data())
                if (!Float.isFinite(v))
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "' contains NaN/Inf");
            this.weights.put(e.getKey(), t);
        }
    }

    /** SAELens tensor names and shapes for this architecture. */
    protected Map<String, long[]> expectedShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W_enc", new long[] {dIn, dSae});
        m.put("b_enc", new long[] {dSae});
        m.put("W_dec", new long[] {dSae, dIn});
        m.put("b_dec", new long[] {dIn});
        return m;
    }

    /** Features z from x [..., d_in]; all DJL arrays come from {@link #w(String)}. */
    protected abstract NDArray encodeNd(NDArray x);

    /** Pre-activations (x − b_dec)·W_enc + b_enc. */
    protected NDArray preActivation(NDArray x) {
        return x.sub(w("b_dec")).matMul(w("W_enc")).add(w("b_enc"));
    }

    /** The weight as a DJL array on the current call's device (created once per device). */
    protected synchronized NDArray w(String name) {
        ai.djl.Device d = CALL_DEVICE.get();
        if (d == null) d = ai.djl.engine.Engine.getInstance().defaultDevice();
        Map<String, NDArray> arrays = onDevice.get(d);
        if (arrays == null) {
            NDManager manager = NDManager.newBaseManager(d);
            managers.put(d, manager);
            arrays = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
                HostTensor t = e.getValue();
                NDArray a = manager.create(t.data(), new Shape(t.shape()));
                // An open NDScope registers every new array and closes it with the scope; the weights'
                // lifetime is this object's manager, not the caller's scope.
                NDScope.unregister(a);
                arrays.put(e.getKey(), a);
            }
            onDevice.put(d, arrays);
        }
        return arrays.get(name);
    }

    /** The devices this SAE's weights were created on so far (diagnostics and tests). */
    public synchronized java.util.Set<ai.djl.Device> weightDevices() {
        return java.util.Set.copyOf(onDevice.keySet());
    }

    @Override
    public SaeConfig config() {
        return cfg;
    }

    @Override
    public float[] encode(float[] x, int rows) {
        checkInput(x, rows);
        try (NDManager scope = NDManager.newBaseManager()) {
            return encodeNd(scope.create(x, new Shape(rows, dIn))).toFloatArray();
        }
    }

    @Override
    public float[] reconstruct(float[] x, int rows) {
        checkInput(x, rows);
        try (NDManager scope = NDManager.newBaseManager()) {
            return reconstruct(scope.create(x, new Shape(rows, dIn))).toFloatArray();
        }
    }

    @Override
    public NDArray encode(NDArray x) {
        if (x.getShape().tail() != dIn)
            throw new IllegalArgumentException("SAE expects last dim d_in=" + dIn + ", got shape " + x.getShape());
        NDManager owner = x.getManager();
        ai.djl.Device prior = CALL_DEVICE.get();
        CALL_DEVICE.set(x.getDevice());
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray in = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
            NDArray out = encodeNd(in);
            out.attach(owner);
            return out;
        } finally {
            CALL_DEVICE.set(prior);
        }
    }

    @Override
    public NDArray reconstruct(NDArray x) {
        if (x.getShape().tail() != dIn)
            throw new IllegalArgumentException("SAE expects last dim d_in=" + dIn + ", got shape " + x.getShape());
        NDManager owner = x.getManager();
        ai.djl.Device prior = CALL_DEVICE.get();
        CALL_DEVICE.set(x.getDevice());
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray in = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
            NDArray out = encodeNd(in).matMul(w("W_dec")).add(w("b_dec"));
            out.attach(owner);
            return out;
        } finally {
            CALL_DEVICE.set(prior);
        }
    }

    @Override
    public float[] decoderRow(int latent) {
        if (latent < 0 || latent >= dSae)
            throw new IllegalArgumentException("latent " + latent + " out of [0, " + dSae + ")");
        float[] row = new float[dIn];
        System.arraycopy(weights.get("W_dec").data(), latent * dIn, row, 0, dIn);
        return row;
    }

    @Override
    public Map<String, HostTensor> weights() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    @Override
    public void save(Path saeLensDir, float[] log10SparsityOrNull) {
        SaeLensFolder.write(saeLensDir, SaeLensCfg.toJson(cfg, saeLensArchitecture()), weights, log10SparsityOrNull);
    }

    @Override
    public synchronized void close() {
        managers.values().forEach(NDManager::close);
        managers.clear();
        onDevice.clear();
    }

    protected void checkInput(float[] x, int rows) {
        if (rows < 0 || (long) rows * dIn != x.length)
            throw new IllegalArgumentException(
                    "input has " + x.length + " floats, expected rows=" + rows + " × d_in=" + dIn);
    }
}

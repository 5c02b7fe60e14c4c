package dev.nanochat.sae.core.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Scalar operands of the dense step, created on the run's device once. DJL's {@code NDArray.op(Number)}
 * creates a fresh scalar tensor on the array's device for every call (on a GPU: a host → device copy per
 * scalar operation), so the dense forwards take their scalars from here instead: constants cached by
 * value, a scheduled value (the sparsity coefficient during its warm-up) by name, re-created only when
 * it changes.
 *
 * Use them as arguments only ({@code x.gt(c.of(0f))}, never {@code c.of(1f).sub(x)}): an op's result
 * belongs to its receiver's manager, and these live as long as the run.
 */
public final class DeviceScalars implements AutoCloseable {
    private final NDManager manager;
    private final Map<Float, NDArray> constants = new HashMap<>();
    private final Map<String, NDArray> scheduled = new HashMap<>();
    private final Map<String, Float> scheduledValues = new HashMap<>();

    public DeviceScalars(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** The constant v (float32 scalar) on the device. */
    public NDArray of(float v) {
        return constants.computeIfAbsent(v, manager::create);
    }

    /** The current value of a scheduled scalar, re-created on the device only when v changed. */
    public NDArray scheduled(String name, float v) {
        NDArray nd = scheduled.get(name);
        Float last = scheduledValues.get(name);
        if (nd == null || last.floatValue() != v) {
            if (nd != null) nd.close();
            nd = manager.create(v);
            scheduled.put(name, nd);
            scheduledValues.put(name, v);
        }
        return nd;
    }

    /** Scalars held (constants plus scheduled ones): bounded by the code, not by the number of steps. */
    public int size() {
        return constants.size() + scheduled.size();
    }

    @Override
    public void close() {
        manager.close();
        constants.clear();
        scheduled.clear();
    }
}

package dev.nanochat.sae.core.io;

import java.util.Arrays;

/**
 * A float tensor on the Java heap: a shape and its row-major data (e.g. W_enc [d_in, d_sae]).
 *
 * <p>Design: the exchange type between formats and the engine, deliberately free of DJL so files can
 * be read and validated without a native engine. The constructor checks that the data length equals
 * the product of the shape; arrays are not copied (tensors can be hundreds of MB), so treat them as
 * owned by the record.
 */
public record HostTensor(long[] shape, float[] data) {
    public HostTensor {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("HostTensor shape and data must be non-null");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "HostTensor shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != data.length) {
            throw new IllegalArgumentException("HostTensor shape " + Arrays.toString(shape) + " has " + n
                    + " elements but data has " + data.length);
        }
    }

    /** Convenience for shapes given as ints: {@code HostTensor.of(data, 128, 1024)}. */
    public static HostTensor of(float[] data, long... shape) {
        return new HostTensor(shape, data);
    }

    /** Reads a float tensor (F32/F16/BF16) from a safetensors file. */
    public static HostTensor from(SafetensorsFile file, String name) {
        return new HostTensor(file.info(name).shape(), file.floats(name));
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Shape as "[128, 1024]" for messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** True when every element is finite (no NaN, no ±Inf). */
    public boolean allFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HostTensor" + shapeString();
    }
}

package dev.nanochat.sae.nanochat.torch;

import java.util.Arrays;

/**
 * A dense, contiguous tensor on the Java heap as stored in (or read from) a torch.save archive.
 * Floating storages (F32/BF16/F16) hold their values as fp32 in {@code floats}; integer storages
 * (Int/Long narrowed) in {@code ints}. BF16/F16 values are rounded when written.
 */
public record TorchTensor(StorageType type, long[] shape, float[] floats, int[] ints) {
    public TorchTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        int len = type.floating() ? (floats == null ? -1 : floats.length) : (ints == null ? -1 : ints.length);
        if (len != n) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " needs " + n + " " + type + " values, got " + len);
        }
    }

    public static TorchTensor of(StorageType type, long[] shape, float[] data) {
        return new TorchTensor(type, shape, data, null);
    }

    public static TorchTensor ofInts(long[] shape, int[] data) {
        return new TorchTensor(StorageType.INT, shape, null, data);
    }

    public long numel() {
        return type.floating() ? floats.length : ints.length;
    }
}

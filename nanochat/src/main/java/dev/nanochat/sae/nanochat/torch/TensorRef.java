package dev.nanochat.sae.nanochat.torch;

/**
 * One tensor of a torch.save archive, as `_rebuild_tensor_v2(storage, offset, size, stride, ...)`
 * describes it: a view of {@code storageNumel} elements of {@code type} held in zip entry
 * `<top>/data/<storageKey>`. Nothing is read until {@link TorchArchive#floats} asks.
 */
public record TensorRef(
        String storageKey, StorageType type, long storageNumel, long offset, long[] shape, long[] stride) {
    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}

package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past positions per layer, [B, n_kv_head, T_past, D] after rotary and QK-norm,
 * so a decode step only computes the new tokens. Design notes:
 * - Preallocated: each layer owns one [B, Hkv, capacity, D] buffer per k and v; an append writes
 *   the new positions into it in place and attention reads a view of the first T_past+T_new
 *   positions (no copy: the view's batch and head axes still merge for the batched matmul).
 * - Capacity is given up front (prompt + new tokens) or, with the two-argument constructor, grows
 *   by doubling (one copy per doubling, amortised O(1) per token).
 * - Owns its buffers in its own manager, outside any NDScope of the forward.
 */
public final class KvCache implements AutoCloseable {
    private static final int INITIAL_CAPACITY = 256;

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int reserved;
    private int length;

    public KvCache(NDManager parent, int nLayer) {
        this(parent, nLayer, 0);
    }

    /** A cache preallocated for {@code capacity} positions (it still grows if a forward needs more). */
    public KvCache(NDManager parent, int nLayer, int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("kv cache capacity must be >= 0, got " + capacity);
        this.manager = parent.newSubManager();
        this.keys = new NDArray[nLayer];
        this.values = new NDArray[nLayer];
        this.reserved = capacity;
    }

    /** Positions already cached (the rotary offset of the next tokens). */
    public int length() {
        return length;
    }

    /** Appends this layer's new k/v ([B,Hkv,T_new,D]) and returns views of the full ones ([B,Hkv,T_past+T_new,D]). */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        Shape s = k.getShape();
        long tNew = s.get(2);
        int need = Math.toIntExact(length + tNew);
        if (keys[layer] == null || keys[layer].getShape().get(2) < need) {
            long old = keys[layer] == null ? 0 : keys[layer].getShape().get(2);
            long cap = Math.max(need, Math.max(reserved, Math.max(INITIAL_CAPACITY, 2 * old)));
            keys[layer] = grow(keys[layer], s, cap);
            values[layer] = grow(values[layer], v.getShape(), cap);
        }
        NDIndex fresh = new NDIndex(":, :, {}:{}", length, need);
        keys[layer].set(fresh, k);
        values[layer].set(fresh, v);
        // the filled prefix as a view; split is one JNI call where an NDIndex get makes several
        long[] at = {need};
        return new NDArray[] {
            keys[layer].split(at, 2).get(0), values[layer].split(at, 2).get(0)
        };
    }

    private NDArray grow(NDArray previous, Shape like, long capacity) {
        NDArray buf = manager.zeros(new Shape(like.get(0), like.get(1), capacity, like.get(3)));
        NDScope.unregister(buf); // lives as long as the cache, not the forward's scope
        if (previous != null) {
            buf.set(new NDIndex(":, :, :{}", length), previous.get(new NDIndex(":, :, :{}", length)));
            previous.close();
        }
        return buf;
    }

    /** Called once per forward after all layers appended {@code newTokens} positions. */
    void advance(int newTokens) {
        length += newTokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}

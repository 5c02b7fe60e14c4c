package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of past positions per layer, [B, n_kv_head, T_past, D] after rotary and QK-norm,
 * so a decode step only computes the new tokens. Owns its arrays in its own manager; each append
 * replaces (and frees) the previous layer tensor.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int nLayer) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[nLayer];
        this.values = new NDArray[nLayer];
    }

    /** Positions already cached (the rotary offset of the next tokens). */
    public int length() {
        return length;
    }

    /** Appends this layer's new k/v ([B,Hkv,T_new,D]) and returns the full ones ([B,Hkv,T_past+T_new,D]). */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = keys[layer] == null ? k.duplicate() : NDArrays.concat(new ai.djl.ndarray.NDList(keys[layer], k), 2);
        NDArray fullV = values[layer] == null ? v.duplicate() : NDArrays.concat(new ai.djl.ndarray.NDList(values[layer], v), 2);
        fullK.attach(manager);
        fullV.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = fullK;
        values[layer] = fullV;
        return new NDArray[] {fullK, fullV};
    }

    /** Called once per forward after all layers appended {@code newTokens} positions. */
    void advance(int newTokens) {
        length += newTokens;
    }

    @Override public void close() {
        manager.close();
    }
}

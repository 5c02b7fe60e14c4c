package dev.nanochat.sae.core.arch;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float tensors of a training run (parameters, gradients, Adam moments) on the Java heap.
 *
 * Design: training keeps the master copy in plain float[] so the sparse kernels, Adam and the checkpoint
 * code touch the same memory; DJL sees copies only for GEMMs. Internal layout: encoder rows {@code enc}
 * [n, d] (the transpose of SAELens W_enc, so a latent's encoder weights are contiguous like W_dec's).
 * Non-trainable entries (e.g. BatchTopK's running threshold) are saved but not optimised.
 */
public final class Params {
    /** One tensor. */
    public record Entry(String name, long[] shape, float[] data, boolean trainable) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public float[] add(String name, long[] shape, boolean trainable) {
        long size = 1;
        for (long s : shape) size *= s;
        if (size > Integer.MAX_VALUE)
            throw new IllegalArgumentException(name + " too large: " + Arrays.toString(shape));
        float[] data = new float[(int) size];
        entries.put(name, new Entry(name, shape, data, trainable));
        return data;
    }

    public float[] get(String name) {
        Entry e = entries.get(name);
        if (e == null)
            throw new IllegalArgumentException("no parameter '" + name + "' (have " + entries.keySet() + ")");
        return e.data();
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    public Entry entry(String name) {
        get(name);
        return entries.get(name);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    /** Zero tensors with the shapes of the trainable entries (gradients, moments). */
    public Params zerosLikeTrainable() {
        Params p = new Params();
        for (Entry e : entries.values()) if (e.trainable()) p.add(e.name(), e.shape(), true);
        return p;
    }

    public void zero() {
        for (Entry e : entries.values()) Arrays.fill(e.data(), 0f);
    }
}

package dev.nanochat.sae.nanochat.pickle;

import java.util.Arrays;

/** A Python `bytes` value with content equality, usable as a map key (tiktoken's mergeable_ranks). */
public final class PyBytes {
    private final byte[] bytes;

    public PyBytes(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "b" + Arrays.toString(bytes);
    }
}

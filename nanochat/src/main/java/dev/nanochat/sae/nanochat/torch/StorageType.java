package dev.nanochat.sae.nanochat.torch;

import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import java.util.Arrays;
import java.util.Optional;

/** The typed storages torch.save names (`torch.FloatStorage`, ...), with element size and float-ness. */
public enum StorageType {
    FLOAT("FloatStorage", 4, true),
    BFLOAT16("BFloat16Storage", 2, true),
    HALF("HalfStorage", 2, true),
    DOUBLE("DoubleStorage", 8, true),
    INT("IntStorage", 4, false),
    LONG("LongStorage", 8, false);

    private final String className;
    private final int elementSize;
    private final boolean floating;

    StorageType(String className, int elementSize, boolean floating) {
        this.className = className;
        this.elementSize = elementSize;
        this.floating = floating;
    }

    public PyGlobal global() {
        return new PyGlobal("torch", className);
    }

    public int elementSize() {
        return elementSize;
    }

    public boolean floating() {
        return floating;
    }

    public static Optional<StorageType> of(PyGlobal g) {
        return Arrays.stream(values()).filter(t -> t.global().equals(g)).findFirst();
    }
}

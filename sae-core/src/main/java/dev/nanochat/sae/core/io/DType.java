package dev.nanochat.sae.core.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of the safetensors format, spelled as in its JSON header ("F32", "BF16", ...).
 *
 * <p>Design: every dtype the format defines is listed so that any valid file can be opened and
 * sized; only the ones this project converts (floats: F32/F16/BF16/F64, integers: I8..I64, U8, BOOL)
 * have accessors in {@link SafetensorsFile}. The byte size drives all offset validation.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in safetensors headers (identical to the constant name). */
    public String safetensorsName() {
        return name();
    }

    /** True for F32, F16, BF16 and F64: readable as {@code float[]}. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Parses a safetensors dtype name; the error lists the known names. */
    public static DType fromName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'; known: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}

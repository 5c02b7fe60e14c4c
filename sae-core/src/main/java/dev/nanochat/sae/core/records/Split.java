package dev.nanochat.sae.core.records;

/** Which part of a collection a record belongs to; wire form "train" / "eval". */
public enum Split {
    TRAIN("train"),
    EVAL("eval");

    private final String wire;

    Split(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses "train" / "eval" (case-insensitive); other values fail naming the value. */
    public static Split fromWire(String value) {
        for (Split s : values()) {
            if (s.wire.equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + value + "'; expected 'train' or 'eval'");
    }
}

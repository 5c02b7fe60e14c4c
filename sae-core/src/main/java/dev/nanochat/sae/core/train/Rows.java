package dev.nanochat.sae.core.train;

/** Activation rows of one source record: {@code data} is [rows, dIn] row-major. */
public record Rows(float[] data, int rows) {
    public Rows {
        if (rows < 0 || data.length % Math.max(rows, 1) != 0 || (rows == 0 && data.length != 0)) {
            throw new IllegalArgumentException("rows=" + rows + " does not divide data length " + data.length);
        }
    }
}

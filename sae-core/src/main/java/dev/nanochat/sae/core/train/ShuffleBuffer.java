package dev.nanochat.sae.core.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mixes rows from many records before they are trained on: consecutive rows of one document are
 * strongly correlated, so a batch drawn uniformly from a large pool is closer to i.i.d.
 *
 * Design: rows live in one growable float[] [size, dIn]; {@link #take} draws uniformly without
 * replacement by swapping the drawn row with the last one (O(dIn) per row, no per-row objects).
 * Every row added is returned exactly once, which the exactly-once accounting relies on.
 */
public final class ShuffleBuffer {
    private final int dIn;
    private SplittableRandom random;
    private float[] rows;
    private int size;

    public ShuffleBuffer(int dIn, int initialRows, long seed) {
        if (dIn <= 0) {
            throw new IllegalArgumentException("dIn must be positive, got " + dIn);
        }
        this.dIn = dIn;
        this.random = new SplittableRandom(seed);
        this.rows = new float[Math.max(1, initialRows) * dIn];
    }

    /** Restarts the draw sequence (the training loop does so at every checkpoint, when the buffer is empty). */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    public int size() {
        return size;
    }

    /** Appends {@code r.rows()} rows; their width must be dIn. */
    public void add(Rows r) {
        if (r.data().length != (long) r.rows() * dIn) {
            throw new IllegalArgumentException("record has " + r.data().length + " floats for " + r.rows()
                    + " rows; expected rows × d_in = " + r.rows() + " × " + dIn);
        }
        long needed = (long) (size + r.rows()) * dIn;
        if (needed > rows.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("shuffle buffer would exceed 2^31 floats: " + needed);
            }
            rows = Arrays.copyOf(rows, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * rows.length)));
        }
        System.arraycopy(r.data(), 0, rows, size * dIn, r.rows() * dIn);
        size += r.rows();
    }

    /** Moves min(n, size) uniformly drawn rows into {@code out} [n, dIn]; returns how many. */
    public int take(float[] out, int n) {
        int count = Math.min(n, size);
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(size);
            System.arraycopy(rows, pick * dIn, out, i * dIn, dIn);
            size--;
            if (pick != size) {
                System.arraycopy(rows, size * dIn, rows, pick * dIn, dIn);
            }
        }
        return count;
    }
}

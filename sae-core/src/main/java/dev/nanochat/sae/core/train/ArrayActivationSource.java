package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.Rng;
import java.time.Duration;
import java.util.Map;

/**
 * Activations held in memory ([rows, d_in] row-major), served in a seeded shuffled order per epoch.
 *
 * Position = {kind=array, epoch, cursor, seed}: the permutation of epoch e is drawn from
 * Rng(seed + e·golden), so a resumed run {@link #seek seeks} and continues with exactly the rows an
 * uninterrupted run would have seen. {@code maxEpochs} 0 means cycle forever.
 *
 * As a {@link RecordSource} (what {@link TrainingLoop} reads, the same interface the Kafka adapter
 * implements) every poll hands out one "record" of up to {@code recordRows} rows, never past
 * {@code budgetRows} rows in total, so `sae train` trains exactly the requested number of tokens.
 */
public final class ArrayActivationSource implements RecordSource {
    private final float[] data;
    private final int rows;
    private final int dIn;
    private final long seed;
    private final boolean shuffle;
    private final int maxEpochs;
    private int epoch;
    private int cursor;
    private int[] order;
    private int recordRows = 4096;
    private long budgetRows = Long.MAX_VALUE;

    public ArrayActivationSource(float[] data, int rows, int dIn, long seed, boolean shuffle, int maxEpochs) {
        if (rows <= 0) throw new IllegalArgumentException("activation source needs at least one row, got " + rows);
        if ((long) rows * dIn > data.length)
            throw new IllegalArgumentException(
                    "activation array has " + data.length + " floats, fewer than rows=" + rows + " × d_in=" + dIn);
        this.data = data;
        this.rows = rows;
        this.dIn = dIn;
        this.seed = seed;
        this.shuffle = shuffle;
        this.maxEpochs = maxEpochs;
        this.order = orderFor(0);
    }

    private int[] orderFor(int e) {
        if (!shuffle) {
            int[] o = new int[rows];
            for (int i = 0; i < rows; i++) o[i] = i;
            return o;
        }
        return new Rng(seed + e * 0x9E3779B97F4A7C15L).permutation(rows);
    }

    public int rows() {
        return rows;
    }

    public int epoch() {
        return epoch;
    }

    /** Rows per {@link #poll} and the total rows the source hands out (counted from epoch 0, cursor 0). */
    public ArrayActivationSource limit(int recordRows, long budgetRows) {
        if (recordRows <= 0) throw new IllegalArgumentException("record rows must be positive, got " + recordRows);
        this.recordRows = recordRows;
        this.budgetRows = budgetRows;
        return this;
    }

    /** Rows handed out so far (all epochs). */
    public long handedOut() {
        return (long) epoch * rows + cursor;
    }

    /** The next record (never blocks); null once the budget or the last epoch is exhausted. */
    @Override
    public Rows poll(Duration timeout) {
        int want = (int) Math.min(recordRows, budgetRows - handedOut());
        if (want <= 0) return null;
        float[] buf = new float[want * dIn];
        int got = next(buf, want);
        if (got == 0) return null;
        return new Rows(got == want ? buf : java.util.Arrays.copyOf(buf, got * dIn), got);
    }

    /** Fills up to maxRows rows (row-major, maxRows × d_in) into buf; returns rows filled, 0 at the end. */
    public int next(float[] buf, int maxRows) {
        int filled = 0;
        while (filled < maxRows) {
            if (cursor == rows) {
                if (maxEpochs > 0 && epoch + 1 >= maxEpochs) break;
                epoch++;
                cursor = 0;
                order = orderFor(epoch);
            }
            int take = Math.min(maxRows - filled, rows - cursor);
            for (int r = 0; r < take; r++)
                System.arraycopy(data, order[cursor + r] * dIn, buf, (filled + r) * dIn, dIn);
            filled += take;
            cursor += take;
        }
        return filled;
    }

    @Override
    public Map<String, String> position() {
        return Map.of(
                "kind",
                "array",
                "epoch",
                Integer.toString(epoch),
                "cursor",
                Integer.toString(cursor),
                "seed",
                Long.toString(seed),
                "rows",
                Integer.toString(rows));
    }

    /** Continues from a {@link #position()} taken on the same data. */
    public void seek(Map<String, String> position) {
        if (position == null || position.isEmpty()) return;
        if (!"array".equals(position.get("kind")))
            throw new IllegalArgumentException("source position " + position + " was not written by an array source");
        int savedRows = Integer.parseInt(position.get("rows"));
        if (savedRows != rows)
            throw new IllegalArgumentException(
                    "checkpoint was trained on " + savedRows + " rows, these activations have " + rows);
        if (Long.parseLong(position.get("seed")) != seed)
            throw new IllegalArgumentException(
                    "checkpoint shuffle seed " + position.get("seed") + " differs from " + seed);
        epoch = Integer.parseInt(position.get("epoch"));
        cursor = Integer.parseInt(position.get("cursor"));
        order = orderFor(epoch);
    }
}

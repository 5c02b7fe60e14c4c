package dev.nanochat.sae.collector.collection;

import java.util.List;

/**
 * The token rows of one forward step, flattened sequence-major: row r is sequence r / T, position
 * r % T. Only the first {@code rows} rows are emitted (fewer than B·T when max tokens cuts the step).
 *
 * @param tokenIds [rows] token id of each row
 * @param docKeys [rows] corpus document key of each row
 * @param positions [rows] position of the row inside its context window (what the model saw)
 * @param eval [rows] whether the row's document is held out
 */
public record StepRows(int rows, int[] tokenIds, long[] docKeys, int[] positions, boolean[] eval) {

    /** Flattens windows of equal length T into rows, keeping at most {@code limit} rows. */
    public static StepRows of(List<PackedSequence> windows, long limit) {
        int t = windows.get(0).length();
        int rows = (int) Math.min((long) windows.size() * t, limit);
        int[] ids = new int[rows];
        long[] keys = new long[rows];
        int[] pos = new int[rows];
        boolean[] eval = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            PackedSequence w = windows.get(r / t);
            int p = r % t;
            ids[r] = w.tokens()[p];
            keys[r] = w.docKeys()[p];
            pos[r] = p;
            eval[r] = w.eval()[p];
        }
        return new StepRows(rows, ids, keys, pos, eval);
    }

    public long evalRows() {
        long n = 0;
        for (boolean e : eval) {
            n += e ? 1 : 0;
        }
        return n;
    }
}

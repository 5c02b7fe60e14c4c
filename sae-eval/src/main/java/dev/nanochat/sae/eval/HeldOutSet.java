package dev.nanochat.sae.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A held-out evaluation set: activations at one hook plus the tokens they came from.
 *
 * <p>Design: rows are kept in arrival order (record sequence, then row order) because that is the only
 * order in which a collector's context windows are guaranteed to be contiguous. Token sequences for the
 * spliced next-token loss are recovered from it: consecutive rows of the same document whose positions
 * increase by one form a sequence (a new document, a restart at position 0 or a gap starts a new one).
 * Shapes: activations [rows, dIn] row-major; tokenIds, docIds, positions [rows].
 */
public record HeldOutSet(int dIn, float[] activations, int[] tokenIds, long[] docIds, int[] positions) {

    public HeldOutSet {
        int rows = tokenIds.length;
        if (dIn <= 0) {
            throw new IllegalArgumentException("d_in must be positive, got " + dIn);
        }
        if (activations.length != (long) rows * dIn || docIds.length != rows || positions.length != rows) {
            throw new IllegalArgumentException("held-out shapes disagree: activations " + activations.length
                    + " (expected " + rows + "x" + dIn + "), token_ids " + rows + ", doc_ids " + docIds.length
                    + ", positions " + positions.length);
        }
    }

    public int rows() {
        return tokenIds.length;
    }

    /** Builds a set from several chunks (e.g. decoded Kafka records) in order, keeping at most maxRows rows. */
    public static HeldOutSet concat(int dIn, List<HeldOutSet> parts, int maxRows) {
        int total = 0;
        for (HeldOutSet p : parts) {
            if (p.dIn != dIn) {
                throw new IllegalArgumentException("held-out chunk has d_in " + p.dIn + ", expected " + dIn);
            }
            total += p.rows();
        }
        int rows = Math.min(total, maxRows);
        float[] act = new float[rows * dIn];
        int[] tok = new int[rows];
        long[] doc = new long[rows];
        int[] pos = new int[rows];
        int at = 0;
        for (HeldOutSet p : parts) {
            int take = Math.min(p.rows(), rows - at);
            if (take <= 0) {
                break;
            }
            System.arraycopy(p.activations, 0, act, at * dIn, take * dIn);
            System.arraycopy(p.tokenIds, 0, tok, at, take);
            System.arraycopy(p.docIds, 0, doc, at, take);
            System.arraycopy(p.positions, 0, pos, at, take);
            at += take;
        }
        return new HeldOutSet(dIn, act, tok, doc, pos);
    }

    /**
     * Token sequences for next-token evaluation: runs of consecutive positions of one document, split
     * into pieces of at most maxLength tokens (the model's context), dropping pieces shorter than 2
     * (nothing to predict).
     */
    public List<int[]> sequences(int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max sequence length must be >= 2, got " + maxLength);
        }
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int r = 1; r <= rows(); r++) {
            boolean breaks = r == rows() || docIds[r] != docIds[r - 1] || positions[r] != positions[r - 1] + 1;
            if (breaks) {
                for (int s = start; s < r; s += maxLength) {
                    int end = Math.min(r, s + maxLength);
                    if (end - s >= 2) {
                        out.add(Arrays.copyOfRange(tokenIds, s, end));
                    }
                }
                start = r;
            }
        }
        return out;
    }
}

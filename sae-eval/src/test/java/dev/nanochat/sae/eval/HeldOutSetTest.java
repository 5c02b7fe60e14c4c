package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeldOutSetTest {
    private static HeldOutSet set(int[] tokens, long[] docs, int[] positions) {
        return new HeldOutSet(1, new float[tokens.length], tokens, docs, positions);
    }

    @Test
    void consecutive_positions_of_one_document_form_a_sequence() {
        HeldOutSet s = set(
                new int[] {10, 11, 12, 20, 21, 13, 30, 31, 32, 33, 34},
                new long[] {1, 1, 1, 2, 2, 1, 3, 3, 3, 3, 3},
                new int[] {0, 1, 2, 0, 1, 3, 0, 1, 2, 5, 6});
        List<int[]> seqs = s.sequences(128);
        // doc 1 is interrupted by doc 2, so its continuation (one token) is dropped; doc 3 has a gap at 2→5.
        assertEquals(4, seqs.size());
        assertArrayEquals(new int[] {10, 11, 12}, seqs.get(0));
        assertArrayEquals(new int[] {20, 21}, seqs.get(1));
        assertArrayEquals(new int[] {30, 31, 32}, seqs.get(2));
        assertArrayEquals(new int[] {33, 34}, seqs.get(3));
    }

    @Test
    void long_runs_are_cut_to_the_context_and_short_tails_dropped() {
        HeldOutSet s = set(new int[] {1, 2, 3, 4, 5}, new long[] {7, 7, 7, 7, 7}, new int[] {0, 1, 2, 3, 4});
        List<int[]> seqs = s.sequences(2);
        assertEquals(2, seqs.size());
        assertArrayEquals(new int[] {1, 2}, seqs.get(0));
        assertArrayEquals(new int[] {3, 4}, seqs.get(1));
    }

    @Test
    void concat_keeps_order_and_caps_rows() {
        HeldOutSet a =
                new HeldOutSet(2, new float[] {1, 2, 3, 4}, new int[] {5, 6}, new long[] {0, 0}, new int[] {0, 1});
        HeldOutSet b =
                new HeldOutSet(2, new float[] {7, 8, 9, 10}, new int[] {7, 8}, new long[] {1, 1}, new int[] {0, 1});
        HeldOutSet c = HeldOutSet.concat(2, List.of(a, b), 3);
        assertEquals(3, c.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 7, 8}, c.activations());
        assertArrayEquals(new int[] {5, 6, 7}, c.tokenIds());
    }

    @Test
    void shape_mismatch_is_reported() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new HeldOutSet(4, new float[7], new int[2], new long[2], new int[2]));
        assertEquals(
                "held-out shapes disagree: activations 7 (expected 2x4), token_ids 2, doc_ids 2, positions 2",
                e.getMessage());
    }
}

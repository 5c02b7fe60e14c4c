package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.Split;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalSplitTest {
    private static List<Split> splits(EvalSplit s, int n) {
        List<Split> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.of("document number " + i));
        }
        return out;
    }

    @Test
    void same_seed_same_split_across_instances() {
        assertEquals(splits(new EvalSplit(7, 0.2), 2000), splits(new EvalSplit(7, 0.2), 2000));
    }

    @Test
    void another_seed_gives_another_split() {
        assertNotEquals(splits(new EvalSplit(7, 0.2), 2000), splits(new EvalSplit(8, 0.2), 2000));
    }

    @Test
    void held_out_share_matches_the_fraction() {
        long eval = splits(new EvalSplit(1, 0.2), 20000).stream()
                .filter(s -> s == Split.EVAL)
                .count();
        // binomial(20000, 0.2): sd ≈ 57, so ±300 is > 5 sd
        assertTrue(Math.abs(eval - 4000) < 300, "eval documents: " + eval);
    }

    @Test
    void identical_text_lands_on_the_same_side_and_bounds_are_respected() {
        EvalSplit s = new EvalSplit(3, 0.5);
        assertEquals(s.of("Call me Ishmael."), s.of("Call me Ishmael."));
        assertTrue(splits(new EvalSplit(3, 0), 500).stream().allMatch(x -> x == Split.TRAIN));
        assertTrue(splits(new EvalSplit(3, 1), 500).stream().allMatch(x -> x == Split.EVAL));
    }

    @Test
    void pinned_value_keeps_the_hash_stable_across_releases() {
        // SHA-256(seed=0 as 8 big-endian bytes ‖ "Call me Ishmael.") → top 53 bits / 2^53
        double u = new EvalSplit(0, 0.5).unitHash("Call me Ishmael.");
        assertEquals(PinnedHash.expected(0, "Call me Ishmael."), u, 0.0);
    }
}

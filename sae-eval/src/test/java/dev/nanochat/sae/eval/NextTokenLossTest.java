package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NextTokenLossTest {
    @Test
    void cross_entropy_and_kl_match_hand_computed_values() {
        // vocab 2, one row. clean logits (0, ln 3) → p = (1/4, 3/4); spliced (0, 0) → q = (1/2, 1/2).
        float ln3 = (float) Math.log(3);
        float[] clean = {0, ln3};
        float[] spliced = {0, 0};
        float[] zero = {ln3, 0}; // (3/4, 1/4)
        NextTokenLoss.Sums s = NextTokenLoss.accumulate(clean, spliced, zero, new int[] {1}, 2);
        assertEquals(1, s.tokens());
        assertEquals(-Math.log(0.75), s.ceClean(), 1e-7);
        assertEquals(Math.log(2), s.ceSpliced(), 1e-7);
        assertEquals(-Math.log(0.25), s.ceZero(), 1e-7);
        double kl = 0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5);
        assertEquals(kl, s.klSpliced(), 1e-7);
        double klZero = 0.25 * Math.log(0.25 / 0.75) + 0.75 * Math.log(0.75 / 0.25);
        assertEquals(klZero, s.klZero(), 1e-7);
    }

    @Test
    void ignored_targets_do_not_count_and_recovered_follows_the_formula() {
        float[] a = {0, 0, 5, 5};
        NextTokenLoss.Sums s = NextTokenLoss.accumulate(a, a, a, new int[] {0, NextTokenLoss.IGNORE}, 2);
        assertEquals(1, s.tokens());
        SplicedMetrics m = SplicedMetrics.from(new NextTokenLoss.Sums(4, 4.0, 6.0, 12.0, 0.4, 2.0), 2);
        assertEquals(1.0, m.ceLossClean());
        assertEquals(0.75, m.ceLossRecovered(), 1e-12); // (3 − 1.5) / (3 − 1)
        assertEquals(0.1, m.klSpliced(), 1e-12);
    }

    @Test
    void bad_inputs_are_named() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> NextTokenLoss.accumulate(new float[4], new float[4], new float[4], new int[] {7, 0}, 2));
        assertEquals("target id 7 at row 0 outside vocab [0,2)", e.getMessage());
        float[] nan = {Float.NaN, Float.NaN};
        assertThrows(IllegalArgumentException.class, () -> NextTokenLoss.accumulate(nan, nan, nan, new int[] {0}, 2));
    }
}

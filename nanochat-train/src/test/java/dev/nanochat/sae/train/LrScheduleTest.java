package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void warmsUpThenDecaysByCosineToTheFinalFraction() {
        LrSchedule s = new LrSchedule(0.1, 0.1);
        assertTrue(s.multiplier(0) < 0.02);
        assertEquals(1.0, s.multiplier(0.1), 1e-9);
        assertEquals(0.55, s.multiplier(0.55), 1e-9, "halfway through the decay: (1 + final) / 2");
        assertEquals(0.1, s.multiplier(1.0), 1e-9);
        assertEquals(0.1, s.multiplier(7.0), 1e-9, "progress past 1 clamps");
        for (double p = 0.1; p < 1; p += 0.05) assertTrue(s.multiplier(p + 0.05) <= s.multiplier(p) + 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1.0, 0.1));
    }
}

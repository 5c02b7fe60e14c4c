package dev.nanochat.sae.trainer.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayFilterTest {
    @Test
    void replays_at_or_below_the_mark_are_refused_per_partition_and_collection() {
        ReplayFilter f = new ReplayFilter("acts", Map.of());
        assertTrue(f.admit(0, "c1", 0));
        assertTrue(f.admit(0, "c1", 3));
        assertFalse(f.admit(0, "c1", 3), "same sequence again is a replay");
        assertFalse(f.admit(0, "c1", 0), "older sequence is a replay");
        assertTrue(f.admit(1, "c1", 1), "another partition has its own mark");
        assertTrue(f.admit(0, "c2", 0), "another collection has its own mark");
        assertTrue(f.admit(0, "c1", 6));
    }

    @Test
    void marks_round_trip_through_the_position_without_touching_offset_keys() {
        ReplayFilter f = new ReplayFilter("acts", Map.of());
        f.admit(0, "c:1|x", 5);
        f.admit(2, "c:1|x", 8);
        f.admit(2, "c:1|x", 4);
        Map<String, String> position = new HashMap<>(Map.of("acts:0", "17", "acts:2", "9", "seq|other|0|c", "99"));
        f.writeTo(position);
        assertEquals(
                Map.of(
                        "acts:0",
                        "17",
                        "acts:2",
                        "9",
                        "seq|other|0|c",
                        "99",
                        "seq|acts|0|c:1|x",
                        "5",
                        "seq|acts|2|c:1|x",
                        "8"),
                position,
                "one entry per partition × collection");

        ReplayFilter restored = new ReplayFilter("acts", position);
        assertFalse(restored.admit(0, "c:1|x", 5));
        assertTrue(restored.admit(0, "c:1|x", 6));
        assertFalse(restored.admit(2, "c:1|x", 8));
        Map<String, String> own = new HashMap<>();
        restored.writeTo(own);
        assertEquals(
                Map.of("seq|acts|0|c:1|x", "6", "seq|acts|2|c:1|x", "8"), own, "only this topic's marks are restored");
    }
}

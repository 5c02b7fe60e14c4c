package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.corpus.Document;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {
    @Test
    void holdsOutAboutOneInEveryAndSpreadsOverNeighbours() {
        HeldOutSplit split = new HeldOutSplit(50);
        int held = 0, adjacentPairs = 0;
        boolean previous = false;
        for (long slot = 0; slot < 100_000; slot++) {
            boolean h = split.isHeldOut(new Document("f:" + slot, slot, "x"));
            assertEquals(h, split.isHeldOut(new Document("again", slot, "y")), "depends on the key only");
            if (h) held++;
            if (h && previous) adjacentPairs++;
            previous = h;
        }
        assertEquals(2000, held, 150, "1 in 50 of 100k keys");
        assertTrue(adjacentPairs < 100, "not clustered: " + adjacentPairs + " adjacent held-out pairs");
        assertThrows(IllegalArgumentException.class, () -> new HeldOutSplit(1));
    }
}

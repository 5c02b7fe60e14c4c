package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShuffleBufferTest {
    private static final int D = 3;

    /** Row i = (i, i, i), so rows can be recognised after shuffling. */
    private static Rows rows(int from, int count) {
        float[] data = new float[count * D];
        for (int i = 0; i < count; i++) {
            Arrays.fill(data, i * D, (i + 1) * D, from + i);
        }
        return new Rows(data, count);
    }

    @Test
    void every_row_added_comes_out_exactly_once_and_mixed() {
        ShuffleBuffer buffer = new ShuffleBuffer(D, 4, 7);
        buffer.add(rows(0, 50));
        buffer.add(rows(50, 70)); // grows past the initial capacity
        assertEquals(120, buffer.size());
        float[] out = new float[32 * D];
        float[] seen = new float[120];
        int taken = 0;
        int inOrder = 0;
        while (buffer.size() > 0) {
            int n = buffer.take(out, 32);
            for (int i = 0; i < n; i++) {
                assertEquals(out[i * D], out[i * D + 2], "row kept intact");
                int id = (int) out[i * D];
                seen[id]++;
                if (id == taken) {
                    inOrder++;
                }
                taken++;
            }
        }
        assertEquals(120, taken);
        float[] once = new float[120];
        Arrays.fill(once, 1f);
        assertArrayEquals(once, seen, "each row exactly once");
        assertNotEquals(120, inOrder, "draws are not FIFO");
        assertEquals(true, inOrder < 10, "draws are well mixed, in-order hits: " + inOrder);
    }

    @Test
    void wrong_width_is_rejected_naming_the_shape() {
        ShuffleBuffer buffer = new ShuffleBuffer(D, 4, 7);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> buffer.add(new Rows(new float[8], 2)));
        assertEquals(true, e.getMessage().contains("2 × 3"), e.getMessage());
    }
}

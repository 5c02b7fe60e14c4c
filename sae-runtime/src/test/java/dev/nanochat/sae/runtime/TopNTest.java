package dev.nanochat.sae.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The host top-N selection against the obvious oracle: sort all positive entries. */
class TopNTest {
    /** Positive entries of row sorted by value descending, then index ascending, cut to n. */
    static int[] oracle(float[] z, int off, int len, int n) {
        return IntStream.range(0, len)
                .filter(i -> z[off + i] > 0)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -z[off + i]).thenComparingInt(i -> i))
                .limit(n)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @Test
    void matchesSortOracleOnRandomRowsWithTiesAndFewPositives() {
        Random r = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int len = 1 + r.nextInt(300), n = 1 + r.nextInt(20), rows = 3;
            float density = r.nextFloat();
            float[] z = new float[rows * len];
            for (int i = 0; i < z.length; i++) {
                // Values on a coarse grid so ties occur; negatives and zeros must never be selected.
                z[i] = r.nextFloat() < density ? (r.nextInt(9) - 3) / 4f : 0f;
            }
            int row = r.nextInt(rows);
            int[] idx = new int[n];
            float[] val = new float[n];
            int found = TopN.select(z, row * len, len, idx, val);
            int[] want = oracle(z, row * len, len, n);
            assertEquals(want.length, found, "trial " + trial);
            assertArrayEquals(want, Arrays.copyOf(idx, found), "trial " + trial);
            for (int k = 0; k < found; k++) assertEquals(z[row * len + want[k]], val[k]);
        }
    }
}

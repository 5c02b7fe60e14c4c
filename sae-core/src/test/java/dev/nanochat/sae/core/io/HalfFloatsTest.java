package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pins F16/BF16 rounding to known bit patterns (numpy/IEEE) and to a naive nearest-value oracle. */
class HalfFloatsTest {

    private static int half(float f) {
        return HalfFloats.floatToHalf(f) & 0xFFFF;
    }

    private static int bf16(float f) {
        return HalfFloats.floatToBf16(f) & 0xFFFF;
    }

    @Test
    void f16KnownBitPatternsFromNumpy() {
        assertEquals(0x3C00, half(1f));
        assertEquals(0xC000, half(-2f));
        assertEquals(0x2E66, half(0.1f));
        assertEquals(0x4838, half(8.439376f)); // first value of the fixture's resid_post
        assertEquals(0x7BFF, half(65504f));
        assertEquals(0x7BFF, half(65519f)); // below the midpoint to 65536
        assertEquals(0x7C00, half(65520f)); // exact midpoint, ties to even = Inf
        assertEquals(0xFC00, half(Float.NEGATIVE_INFINITY));
        assertEquals(0x3C00, half(1f + 0x1p-11f)); // tie between 0x3C00 and 0x3C01 → even
        assertEquals(0x3C02, half(1f + 3 * 0x1p-11f)); // tie between 0x3C01 and 0x3C02 → even
        assertEquals(0x0001, half(0x1p-24f)); // smallest subnormal
        assertEquals(0x0000, half(0x1p-25f)); // tie with zero → even (zero)
        assertEquals(0x0002, half(3 * 0x1p-25f)); // tie between 1 and 2 ulps → 2
        assertEquals(0x03FF, half(6.1e-5f)); // largest subnormal region
        assertEquals(0x0400, half(0x1p-14f)); // smallest normal
        assertEquals(0x8000, half(-1e-8f)); // underflow keeps the sign
        assertTrue(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(Float.NaN))));
    }

    @Test
    void f16WideningIsExactForEveryPattern() {
        for (int pattern = 0; pattern < 0x10000; pattern++) {
            final int h = pattern;
            float f = HalfFloats.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertEquals(0x7C00, h & 0x7C00, "NaN only from exponent 31");
                continue;
            }
            assertEquals(h, half(f), () -> "round trip of half pattern " + Integer.toHexString(h));
        }
        assertEquals(5.9604645e-8f, HalfFloats.halfToFloat((short) 0x0001));
        assertEquals(-65504f, HalfFloats.halfToFloat((short) 0xFBFF));
    }

    @Test
    void f16MatchesNaiveNearestEvenOracle() {
        // Oracle: every finite non-negative half value, ordered by bits (monotonic), nearest by exact
        // double arithmetic, ties to the even pattern, values ≥ 65520 overflow to Inf.
        double[] values = new double[0x7C00];
        for (int h = 0; h < values.length; h++) {
            values[h] = HalfFloats.halfToFloat((short) h);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 400_000; i++) {
            float x = Float.intBitsToFloat(rnd.nextInt(0x3F000000, 0x47A00000)); // 2^-1..~81920 and below
            if (i % 2 == 0) {
                x = Float.intBitsToFloat(rnd.nextInt(0x32000000, 0x39000000)); // subnormal range
            }
            assertEquals(naiveHalf(values, x), half(x), "x=" + x);
            assertEquals(naiveHalf(values, x) | 0x8000, half(-x), "x=" + -x);
        }
    }

    private static int naiveHalf(double[] values, float x) {
        if (x >= 65520f) {
            return 0x7C00;
        }
        int found = Arrays.binarySearch(values, x);
        if (found >= 0) {
            return found;
        }
        int lo = -found - 2; // largest value below x
        if (lo + 1 >= values.length) {
            return lo; // between 65504 and the overflow midpoint 65520
        }
        double dLo = x - values[lo];
        double dHi = values[lo + 1] - x;
        if (dLo < dHi) {
            return lo;
        }
        if (dHi < dLo) {
            return lo + 1;
        }
        return (lo & 1) == 0 ? lo : lo + 1;
    }

    @Test
    void bf16KnownBitPatterns() {
        assertEquals(0x3F80, bf16(1f));
        assertEquals(0x4049, bf16((float) Math.PI)); // 3.140625, as torch.bfloat16
        assertEquals(0x3F80, bf16(1f + 0x1p-8f)); // tie → even (0x3F80)
        assertEquals(0x3F82, bf16(1f + 3 * 0x1p-8f)); // tie between 0x3F81 and 0x3F82 → even
        assertEquals(0x3F81, bf16(Math.nextUp(1f + 0x1p-8f))); // just above the tie rounds up
        assertEquals(0x7F80, bf16(Float.MAX_VALUE)); // rounds past the largest bf16 to Inf
        assertEquals(0xFF80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x0001, bf16(Float.MIN_VALUE * 65536)); // subnormals round like normals
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(1.0078125f, HalfFloats.bf16ToFloat((short) 0x3F81));
    }

    @Test
    void bf16MatchesNaiveNearestEvenOracle() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 1_000_000; i++) {
            int bits = rnd.nextInt() & 0x7F7FFFFF; // finite
            float x = Float.intBitsToFloat(bits);
            int down = bits >>> 16;
            double lo = HalfFloats.bf16ToFloat((short) down);
            double hi = down == 0x7F7F ? 0x1p128 : HalfFloats.bf16ToFloat((short) (down + 1));
            double dLo = x - lo;
            double dHi = hi - x;
            int expected = dLo < dHi ? down : dHi < dLo ? down + 1 : ((down & 1) == 0 ? down : down + 1);
            assertEquals(expected, bf16(x), "x=" + x);
        }
    }
}

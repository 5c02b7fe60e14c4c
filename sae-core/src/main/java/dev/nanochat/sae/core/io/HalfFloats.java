package dev.nanochat.sae.core.io;

/**
 * IEEE binary16 (F16) and bfloat16 (BF16) conversions in plain Java.
 *
 * <p>Design: Java 17 has no Float.floatToFloat16, and DJL must never see a bf16 array (it crashes the
 * JVM), so both narrowings are done here with round-to-nearest-even, the rounding numpy, torch and
 * safetensors writers use. NaN stays NaN (quiet, sign kept); F16 overflow becomes ±Inf exactly as in
 * IEEE (callers that must not produce Inf check {@link #F16_MAX} first). Widening is exact.
 */
public final class HalfFloats {
    /** Largest finite binary16 value. */
    public static final float F16_MAX = 65504f;

    private HalfFloats() {}

    /** bfloat16 bits → float: bf16 is the high half of a float32, so this is exact. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float → bfloat16 bits, round-to-nearest-even on the 16 dropped mantissa bits. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            // NaN: keep sign and the top payload bits, force quiet so truncation cannot yield Inf.
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lsb of the kept part rounds half to even; carries into the exponent
        // are correct (they round up to the next binade or to Inf).
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** binary16 bits → float, exact, including subnormals, Inf and NaN. */
    public static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            // Subnormal or zero: value = mant * 2^-24, exactly representable as a float.
            float magnitude = mant * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** float → binary16 bits with round-to-nearest-even; overflow → ±Inf, underflow → subnormal/±0. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x47800000) {
            // |value| >= 65536 (or Inf): beyond the round-up limit of F16_MAX, always Inf.
            return (short) (sign | 0x7C00);
        }
        int exp = (abs >>> 23) - 127;
        if (exp < -25) {
            // Below half of the smallest subnormal (2^-25): rounds to zero.
            return (short) sign;
        }
        int mant = (abs & 0x7FFFFF) | 0x800000; // 24-bit significand with the implicit one
        int shift;
        int halfExp;
        if (exp < -14) {
            // Subnormal result: significand scaled to units of 2^-24.
            shift = -exp - 14 + 13;
            halfExp = 0;
        } else {
            shift = 13;
            halfExp = exp + 15;
            mant &= 0x7FFFFF;
        }
        int kept = mant >>> shift;
        int rest = mant & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (kept & 1) == 1)) {
            kept++; // may carry into the exponent field, which is the correct rounding (up to Inf)
        }
        return (short) (sign | ((halfExp << 10) + kept));
    }
}

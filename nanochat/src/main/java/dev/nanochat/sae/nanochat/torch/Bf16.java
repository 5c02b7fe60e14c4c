package dev.nanochat.sae.nanochat.torch;

/**
 * bfloat16 and IEEE half conversions in Java (DJL must never see a bf16 NDArray: it crashes the JVM).
 * bf16 is the top 16 bits of an fp32; rounding is to nearest, ties to even, NaN kept quiet.
 */
public final class Bf16 {
    private Bf16() {}

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** The fp32 value nearest to f that a bf16 can hold (what `t.to(torch.bfloat16).float()` gives). */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    public static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal half: mant · 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** fp32 → IEEE half, round to nearest even; overflow → ±inf. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(f)) return (short) (sign | 0x7e00);
        float a = Math.abs(f);
        if (a >= 65520f) return (short) (sign | 0x7c00);
        if (a < 0x1p-14f) return (short) (sign | (int) Math.rint(a * 0x1p24f)); // subnormal: ties to even
        int e = ((bits >>> 23) & 0xff) - 127 + 15;
        int m = bits & 0x7fffff;
        int half = (e << 10) | (m >>> 13);
        int rest = m & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;
        return (short) (sign | half);
    }
}

package dev.nanochat.sae.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Derives hostile inputs from a real file. Design: a few stacked edits per case (bit flips, boundary
 * values written as 1/2/4/8-byte little- and big-endian fields, truncation, deletion, insertion,
 * duplication of a range), so most cases stay close enough to the format to get past its magic and
 * reach the length and offset checks. Half of the edits land in the "hot" prefix (headers, the
 * pickle's opcodes) where a parser makes its decisions; the rest anywhere.
 */
public final class Mutator {
    private static final long[] BOUNDARY = {
        0,
        1,
        -1,
        0x7f,
        0x80,
        0xff,
        0x7fff,
        0x8000,
        0xffff,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        0xffffffffL,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1L << 31,
        1L << 32,
        1L << 40
    };

    private final Random random;
    private final int hotBytes;

    /** {@code hotBytes}: length of the prefix that receives half of the edits (0 = the whole input). */
    public Mutator(long seed, int hotBytes) {
        this.random = new Random(seed);
        this.hotBytes = hotBytes;
    }

    public byte[] mutate(byte[] input) {
        byte[] out = input;
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) out = edit(out);
        return out;
    }

    private byte[] edit(byte[] in) {
        if (in.length == 0) return new byte[] {(byte) random.nextInt(256)};
        int at = position(in.length);
        switch (random.nextInt(9)) {
            case 0 -> {
                byte[] o = in.clone();
                o[at] ^= (byte) (1 << random.nextInt(8));
                return o;
            }
            case 1 -> {
                byte[] o = in.clone();
                o[at] = (byte) BOUNDARY[random.nextInt(BOUNDARY.length)];
                return o;
            }
            case 2, 3 -> {
                return field(in, at, 1 << (1 + random.nextInt(3)), random.nextBoolean());
            }
            case 4 -> {
                return Arrays.copyOf(in, at);
            }
            case 5 -> {
                int n = Math.min(in.length - at, 1 + random.nextInt(64));
                byte[] o = new byte[in.length - n];
                System.arraycopy(in, 0, o, 0, at);
                System.arraycopy(in, at + n, o, at, o.length - at);
                return o;
            }
            case 6 -> {
                byte[] ins = new byte[1 + random.nextInt(32)];
                random.nextBytes(ins);
                return splice(in, at, ins);
            }
            case 7 -> {
                int from = random.nextInt(in.length);
                int n = Math.min(in.length - from, 1 + random.nextInt(256));
                return splice(in, at, Arrays.copyOfRange(in, from, from + n));
            }
            default -> {
                // Printable ASCII digits and quotes: reaches JSON headers' numbers and strings.
                byte[] o = in.clone();
                o[at] = (byte) "0123456789-\"{}[],:eE.".charAt(random.nextInt(21));
                return o;
            }
        }
    }

    private int position(int length) {
        int hot = hotBytes <= 0 ? length : Math.min(hotBytes, length);
        return random.nextBoolean() ? random.nextInt(hot) : random.nextInt(length);
    }

    private byte[] field(byte[] in, int at, int width, boolean bigEndian) {
        byte[] o = in.clone();
        long v = BOUNDARY[random.nextInt(BOUNDARY.length)];
        if (random.nextInt(4) == 0) v = random.nextLong() >>> random.nextInt(64);
        for (int i = 0; i < width && at + i < o.length; i++) {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            o[at + i] = (byte) (v >>> shift);
        }
        return o;
    }

    private static byte[] splice(byte[] in, int at, byte[] ins) {
        byte[] o = new byte[in.length + ins.length];
        System.arraycopy(in, 0, o, 0, at);
        System.arraycopy(ins, 0, o, at, ins.length);
        System.arraycopy(in, at, o, at + ins.length, in.length - at);
        return o;
    }
}

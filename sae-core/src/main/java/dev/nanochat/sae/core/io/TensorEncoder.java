package dev.nanochat.sae.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Serialises Java arrays as little-endian safetensors data, converting floats to F16/BF16 on the
 * way (see {@link HalfFloats}). Either straight into the final byte[] (no intermediate copy) or
 * through a reusable chunk buffer to a stream (bounded memory for files of any size).
 */
final class TensorEncoder {
    private TensorEncoder() {}

    /** Writes elements [from, from+n) of {@code data} at {@code dst}'s position (little-endian). */
    static void encodeInto(DType dtype, Object data, int from, int n, ByteBuffer dst) {
        int start = dst.position();
        switch (dtype) {
            case F32 -> dst.asFloatBuffer().put((float[]) data, from, n);
            case F16 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < n; i++) {
                    dst.putShort(start + i * 2, HalfFloats.floatToHalf(f[from + i]));
                }
            }
            case BF16 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < n; i++) {
                    dst.putShort(start + i * 2, HalfFloats.floatToBf16(f[from + i]));
                }
            }
            case I32 -> dst.asIntBuffer().put((int[]) data, from, n);
            case I64 -> dst.asLongBuffer().put((long[]) data, from, n);
            case U8, BOOL -> dst.duplicate().put((byte[]) data, from, n);
            default -> throw new IllegalStateException("no encoder for " + dtype);
        }
        dst.position(start + n * dtype.byteSize());
    }

    /** Streams {@code count} elements through {@code buf} (little-endian, capacity ≥ 8 bytes). */
    static void encode(DType dtype, Object data, int count, ByteBuffer buf, OutputStream out) throws IOException {
        int perChunk = buf.capacity() / dtype.byteSize();
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            buf.clear();
            encodeInto(dtype, data, done, n, buf);
            out.write(buf.array(), 0, buf.position());
            done += n;
        }
    }
}

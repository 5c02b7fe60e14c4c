package dev.nanochat.sae.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Serialises one Java array as little-endian safetensors data through a reusable buffer, converting
 * floats to F16/BF16 on the way (see {@link HalfFloats}), so no full-size byte copy is ever made.
 */
final class TensorEncoder {
  private TensorEncoder() {}

  /** {@code buf} must be little-endian with a capacity that is a multiple of 8. */
  static void encode(DType dtype, Object data, int count, ByteBuffer buf, OutputStream out) throws IOException {
    int size = dtype.byteSize();
    int perChunk = buf.capacity() / size;
    for (int done = 0; done < count; ) {
      int n = Math.min(perChunk, count - done);
      buf.clear();
      switch (dtype) {
        case F32 -> buf.asFloatBuffer().put((float[]) data, done, n);
        case F16 -> {
          float[] f = (float[]) data;
          for (int i = 0; i < n; i++) {
            buf.putShort(i * 2, HalfFloats.floatToHalf(f[done + i]));
          }
        }
        case BF16 -> {
          float[] f = (float[]) data;
          for (int i = 0; i < n; i++) {
            buf.putShort(i * 2, HalfFloats.floatToBf16(f[done + i]));
          }
        }
        case I32 -> buf.asIntBuffer().put((int[]) data, done, n);
        case I64 -> buf.asLongBuffer().put((long[]) data, done, n);
        case U8, BOOL -> buf.put((byte[]) data, done, n);
        default -> throw new IllegalStateException("no encoder for " + dtype);
      }
      out.write(buf.array(), 0, n * size);
      done += n;
    }
  }
}

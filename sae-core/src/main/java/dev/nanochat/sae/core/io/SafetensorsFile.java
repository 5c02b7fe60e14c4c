package dev.nanochat.sae.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A validated safetensors file or blob: header, metadata and typed element access.
 *
 * <p>Design: only the header is held in memory. Tensor data is read on demand in 1 MiB chunks with
 * positional reads (the file is opened per call, so nothing needs closing and files over 2 GiB work;
 * one tensor must fit a Java array, i.e. ≤ 2^31−1 elements, and {@link #readFloats} reads a slice of
 * a larger one). All conversions (F16/BF16 → float, I64 → int with range check) happen in Java.
 */
public final class SafetensorsFile {
    private static final int CHUNK_BYTES = 1 << 20;

    private final String source;
    private final Path file; // null when backed by bytes
    private final byte[] bytes; // null when backed by a file
    private final long dataStart;
    private final SafetensorsHeader header;

    SafetensorsFile(String source, Path file, byte[] bytes, long dataStart, SafetensorsHeader header) {
        this.source = source;
        this.file = file;
        this.bytes = bytes;
        this.dataStart = dataStart;
        this.header = header;
    }

    /** Where the data came from, for messages: the file path or "&lt;bytes&gt;". */
    public String source() {
        return source;
    }

    public Map<String, String> metadata() {
        return header.metadata;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(header.tensors.keySet());
    }

    public boolean has(String name) {
        return header.tensors.containsKey(name);
    }

    /** Header entry of a tensor; unknown names fail with the list of available names. */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(source + ": no tensor named '" + name + "'; available: " + names());
        }
        return info;
    }

    /** All elements of a F32/F16/BF16/F64 tensor as floats (F64 is narrowed). */
    public float[] floats(String name) {
        TensorInfo info = info(name);
        float[] out = new float[arrayLength(info)];
        readFloats(name, 0, out, 0, out.length);
        return out;
    }

    /** Reads {@code count} elements starting at flat index {@code first} into {@code dst[offset..]}. */
    public void readFloats(String name, long first, float[] dst, int offset, int count) {
        TensorInfo info = info(name);
        DType dt = info.dtype();
        if (!dt.isFloat()) {
            throw new SafetensorsException(source + ": tensor '" + name + "' is " + dt + ", not a float tensor");
        }
        stream(info, first, count, (buf, index, n) -> {
            int at = offset + index;
            switch (dt) {
                case F32 -> buf.asFloatBuffer().get(dst, at, n);
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        dst[at + i] = HalfFloats.halfToFloat(buf.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        dst[at + i] = HalfFloats.bf16ToFloat(buf.getShort());
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        dst[at + i] = (float) buf.getDouble();
                    }
                }
            }
        });
    }

    /** All elements of an integer/bool tensor as ints; I64/U32/U64 values outside int range fail. */
    public int[] ints(String name) {
        TensorInfo info = info(name);
        int[] out = new int[arrayLength(info)];
        readIntegers(info, (index, value) -> {
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new SafetensorsException(source + ": tensor '" + name + "' element " + index + " = " + value
                        + " does not fit in an int");
            }
            out[index] = (int) value;
        });
        return out;
    }

    /** All elements of an integer/bool tensor as longs (U64 above Long.MAX_VALUE fails). */
    public long[] longs(String name) {
        TensorInfo info = info(name);
        long[] out = new long[arrayLength(info)];
        readIntegers(info, (index, value) -> out[index] = value);
        return out;
    }

    /** Raw little-endian bytes of one tensor (at most 2^31−1 bytes). */
    public byte[] rawBytes(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(
                    source + ": tensor '" + name + "' has " + info.byteLength() + " bytes, too many for one byte[]");
        }
        byte[] out = new byte[(int) info.byteLength()];
        int size = info.dtype().byteSize();
        stream(info, 0, (int) info.numel(), (buf, index, n) -> buf.get(out, index * size, n * size));
        return out;
    }

    private interface LongSink {
        void accept(int index, long value);
    }

    private void readIntegers(TensorInfo info, LongSink sink) {
        DType dt = info.dtype();
        String name = info.name();
        if (dt.isFloat() || dt == DType.F8_E4M3 || dt == DType.F8_E5M2) {
            throw new SafetensorsException(source + ": tensor '" + name + "' is " + dt + ", not an integer tensor");
        }
        stream(info, 0, (int) info.numel(), (buf, index, n) -> {
            for (int i = index; i < index + n; i++) {
                long v =
                        switch (dt) {
                            case BOOL, U8 -> buf.get() & 0xFF;
                            case I8 -> buf.get();
                            case I16 -> buf.getShort();
                            case U16 -> buf.getShort() & 0xFFFF;
                            case I32 -> buf.getInt();
                            case U32 -> buf.getInt() & 0xFFFFFFFFL;
                            case I64 -> buf.getLong();
                            case U64 -> {
                                long raw = buf.getLong();
                                if (raw < 0) {
                                    throw new SafetensorsException(source + ": tensor '" + name + "' element " + i
                                            + " = " + Long.toUnsignedString(raw) + " exceeds a signed long");
                                }
                                yield raw;
                            }
                            default -> throw new IllegalStateException("unreachable: " + dt);
                        };
                sink.accept(i, v);
            }
        });
    }

    private int arrayLength(TensorInfo info) {
        long n = info.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(source + ": tensor '" + info.name() + "' " + info.shapeString() + " has " + n
                    + " elements, more than one Java array holds; read it in slices with readFloats");
        }
        return (int) n;
    }

    private interface ElementSink {
        /**
         * Consumes {@code n} elements at the buffer's position (little-endian); {@code index} is the
         * position of the first of them counted from the first requested element.
         */
        void accept(ByteBuffer buf, int index, int n);
    }

    /** Feeds elements [first, first+count) of a tensor, chunk by chunk, to the sink. */
    private void stream(TensorInfo info, long first, int count, ElementSink sink) {
        long numel = info.numel();
        if (first < 0 || count < 0 || first + count > numel) {
            throw new SafetensorsException(source + ": tensor '" + info.name() + "' " + info.shapeString()
                    + ": element range [" + first + ", " + (first + count) + ") is outside [0, " + numel + ")");
        }
        int size = info.dtype().byteSize();
        long start = dataStart + info.begin() + first * size;
        if (bytes != null) {
            sink.accept(
                    ByteBuffer.wrap(bytes, (int) start, count * size).slice().order(ByteOrder.LITTLE_ENDIAN), 0, count);
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int perChunk = Math.max(1, CHUNK_BYTES / size);
            // Direct buffer: the channel reads into it without an extra copy, and bulk float views on
            // it copy memory directly (little-endian = native order on x86/ARM).
            int chunkBytes = (int) Math.min((long) perChunk * size, Math.max((long) count * size, size));
            ByteBuffer buf = ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
            perChunk = chunkBytes / size;
            for (int done = 0; done < count; ) {
                int n = Math.min(perChunk, count - done);
                buf.clear().limit(n * size);
                long pos = start + (long) done * size;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos + buf.position());
                    if (r < 0) {
                        throw new SafetensorsException(
                                source + ": tensor '" + info.name() + "': file ended early at byte "
                                        + (pos + buf.position()) + " (truncated since it was opened?)");
                    }
                }
                buf.flip();
                sink.accept(buf, done, n);
                done += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": reading tensor '" + info.name() + "': " + e.getMessage(), e);
        }
    }
}

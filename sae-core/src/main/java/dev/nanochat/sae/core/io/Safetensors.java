package dev.nanochat.sae.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry points for the safetensors format: {@link #read(Path)}, {@link #read(byte[])} and
 * {@link Writer}.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets}}, optional "__metadata__" string map), then the raw
 * little-endian tensor data. The writer pads the header with spaces to a multiple of 8 (as Python's
 * safetensors does) so every tensor starts 8-byte aligned, and writes tensors in the order added.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Opens and validates a file; tensor data is read lazily by the returned object. */
    public static SafetensorsFile read(Path file) {
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            long headerLength = size >= 8 ? prefix.getLong(0) : 0;
            long dataLength = SafetensorsHeader.checkHeaderLength(source, headerLength, size);
            ByteBuffer json = ByteBuffer.allocate((int) headerLength);
            readFully(ch, json, 8);
            SafetensorsHeader header = SafetensorsHeader.parse(source, json.array(), dataLength);
            return new SafetensorsFile(source, file, null, 8 + headerLength, header);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(source + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    /** Validates an in-memory blob (e.g. a Kafka record value). The array is not copied. */
    public static SafetensorsFile read(byte[] bytes) {
        String source = "<bytes>";
        long headerLength = bytes.length >= 8
                ? ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()
                : 0;
        long dataLength = SafetensorsHeader.checkHeaderLength(source, headerLength, bytes.length);
        byte[] json = java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) headerLength);
        SafetensorsHeader header = SafetensorsHeader.parse(source, json, dataLength);
        return new SafetensorsFile(source, null, bytes, 8 + headerLength, header);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                return; // short reads are diagnosed by the size checks
            }
        }
    }

    /**
     * Collects tensors and metadata, then serialises them. Arrays are referenced, not copied, until
     * {@link #toBytes()} or {@link #write(Path)}; do not modify them in between.
     */
    public static final class Writer {
        private static final ObjectMapper JSON = new ObjectMapper();

        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, TensorData> tensors = new LinkedHashMap<>();

        public Writer metadata(String key, String value) {
            if (key == null || value == null) {
                throw new SafetensorsException("metadata key and value must be non-null (key=" + key + ")");
            }
            metadata.put(key, value);
            return this;
        }

        public Writer f32(String name, long[] shape, float[] data) {
            return add(name, DType.F32, shape, data.length, data);
        }

        /** Stores floats as IEEE half (round-to-nearest-even); values beyond ±65504 become ±Inf. */
        public Writer f16(String name, long[] shape, float[] data) {
            return add(name, DType.F16, shape, data.length, data);
        }

        /** Stores floats as bfloat16 (round-to-nearest-even). */
        public Writer bf16(String name, long[] shape, float[] data) {
            return add(name, DType.BF16, shape, data.length, data);
        }

        public Writer i32(String name, long[] shape, int[] data) {
            return add(name, DType.I32, shape, data.length, data);
        }

        public Writer i64(String name, long[] shape, long[] data) {
            return add(name, DType.I64, shape, data.length, data);
        }

        /** U8 or BOOL (0/1) bytes, stored as given. */
        public Writer u8(String name, DType dtype, long[] shape, byte[] data) {
            if (dtype != DType.U8 && dtype != DType.BOOL) {
                throw new SafetensorsException("tensor '" + name + "': u8() takes U8 or BOOL, not " + dtype);
            }
            return add(name, dtype, shape, data.length, data);
        }

        private Writer add(String name, DType dtype, long[] shape, long length, Object data) {
            if (name == null || name.isEmpty() || SafetensorsHeader.METADATA_KEY.equals(name)) {
                throw new SafetensorsException("invalid tensor name '" + name + "'");
            }
            if (tensors.containsKey(name)) {
                throw new SafetensorsException("tensor '" + name + "' added twice");
            }
            long numel = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new SafetensorsException(
                            "tensor '" + name + "': negative dimension in shape " + java.util.Arrays.toString(shape));
                }
                numel = Math.multiplyExact(numel, d);
            }
            if (numel != length) {
                throw new SafetensorsException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                        + " has " + numel + " elements but " + length + " values were given");
            }
            tensors.put(name, new TensorData(dtype, shape.clone(), numel, data));
            return this;
        }

        /** The header JSON, padded with spaces to a multiple of 8 bytes. */
        private byte[] header() {
            ObjectNode root = JSON.createObjectNode();
            if (!metadata.isEmpty()) {
                ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
                metadata.forEach(meta::put);
            }
            long offset = 0;
            for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
                TensorData t = e.getValue();
                ObjectNode entry = root.putObject(e.getKey());
                entry.put("dtype", t.dtype.safetensorsName());
                var shape = entry.putArray("shape");
                for (long d : t.shape) {
                    shape.add(d);
                }
                long end = offset + t.numel * t.dtype.byteSize();
                entry.putArray("data_offsets").add(offset).add(end);
                offset = end;
            }
            byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
            int padded = (json.length + 7) / 8 * 8;
            byte[] out = java.util.Arrays.copyOf(json, padded);
            java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
            return out;
        }

        /** Total serialised size in bytes. */
        public long byteSize() {
            long n = 8 + header().length;
            for (TensorData t : tensors.values()) {
                n += t.numel * t.dtype.byteSize();
            }
            return n;
        }

        /** The whole file as one array (must be under 2 GiB; use {@link #write(Path)} for larger). */
        public byte[] toBytes() {
            byte[] header = header();
            long size = 8L + header.length;
            for (TensorData t : tensors.values()) {
                size += t.numel * t.dtype.byteSize();
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new SafetensorsException(
                        "serialised size " + size + " bytes exceeds one byte[]; use write(Path)");
            }
            byte[] out = new byte[(int) size];
            ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length).put(header);
            for (TensorData t : tensors.values()) {
                TensorEncoder.encodeInto(t.dtype, t.data, 0, (int) t.numel, buf);
            }
            return out;
        }

        /** Writes atomically: temp file in the same directory, fsync, rename, fsync of the directory. */
        public void write(Path file) {
            try {
                AtomicFiles.write(file, this::writeTo);
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
            }
        }

        /** Streams header and tensors; memory beyond the arrays themselves is one 1 MiB buffer. */
        public void writeTo(OutputStream out) throws IOException {
            byte[] header = header();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            out.write(buf.array(), 0, 8);
            out.write(header);
            for (TensorData t : tensors.values()) {
                TensorEncoder.encode(t.dtype, t.data, (int) t.numel, buf, out);
            }
        }

        private record TensorData(DType dtype, long[] shape, long numel, Object data) {}
    }
}

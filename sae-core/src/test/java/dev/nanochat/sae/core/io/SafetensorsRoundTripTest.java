package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path tmp;

    private static Safetensors.Writer sample() {
        return new Safetensors.Writer()
                .metadata("format", "pt")
                .f32("w", new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 1e30f, -0f})
                .f16("h", new long[] {3}, new float[] {1f, 0.1f, 65520f})
                .bf16("b", new long[] {2}, new float[] {(float) Math.PI, -1f})
                .i32("ids", new long[] {4}, new int[] {0, -1, Integer.MAX_VALUE, 7})
                .i64("docs", new long[] {2}, new long[] {Long.MIN_VALUE, 1L << 40})
                .u8("mask", DType.BOOL, new long[] {3}, new byte[] {1, 0, 1})
                .f32("scalar", new long[] {}, new float[] {42f})
                .f32("empty", new long[] {0, 5}, new float[0]);
    }

    @Test
    void roundTripsEveryDtypeThroughBytesAndFiles() {
        byte[] blob = sample().toBytes();
        Path file = tmp.resolve("t.safetensors");
        sample().write(file);
        for (SafetensorsFile f : List.of(Safetensors.read(blob), Safetensors.read(file))) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(List.of("w", "h", "b", "ids", "docs", "mask", "scalar", "empty"), f.names());
            assertArrayEquals(new float[] {1, -2, 3.5f, Float.MIN_VALUE, 1e30f, -0f}, f.floats("w"));
            assertArrayEquals(new long[] {2, 3}, f.info("w").shape());
            // 0.1 → half 0x2E66 = 0.0999755859375; 65520 overflows to Inf (IEEE, ties to even).
            assertArrayEquals(new float[] {1f, 0.0999755859375f, Float.POSITIVE_INFINITY}, f.floats("h"));
            assertArrayEquals(new byte[] {0x00, 0x3C, 0x66, 0x2E, 0x00, 0x7C}, f.rawBytes("h"));
            assertArrayEquals(new float[] {3.140625f, -1f}, f.floats("b"));
            assertArrayEquals(new byte[] {0x49, 0x40, (byte) 0x80, (byte) 0xBF}, f.rawBytes("b"));
            assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE, 7}, f.ints("ids"));
            assertArrayEquals(new long[] {0, -1, Integer.MAX_VALUE, 7}, f.longs("ids"));
            assertArrayEquals(new long[] {Long.MIN_VALUE, 1L << 40}, f.longs("docs"));
            assertArrayEquals(new int[] {1, 0, 1}, f.ints("mask"));
            assertEquals(DType.BOOL, f.info("mask").dtype());
            assertArrayEquals(new float[] {42f}, f.floats("scalar"));
            assertEquals(0, f.info("scalar").shape().length);
            assertEquals(0, f.floats("empty").length);
            assertTrue(f.has("docs"));
            assertFalse(f.has("nope"));
        }
        assertEquals(blob.length, sample().byteSize());
    }

    @Test
    void layoutIsLittleEndianWithHeaderPaddedToEightBytes() {
        byte[] blob = new Safetensors.Writer()
                .i32("a", new long[] {2}, new int[] {1, 0x01020304})
                .toBytes();
        long n = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String json = new String(blob, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", json.stripTrailing());
        assertEquals(8 + n + 8, blob.length);
        assertArrayEquals(
                new byte[] {1, 0, 0, 0, 4, 3, 2, 1}, java.util.Arrays.copyOfRange(blob, blob.length - 8, blob.length));
    }

    @Test
    void i64NarrowingChecksRange() {
        SafetensorsFile f = Safetensors.read(new Safetensors.Writer()
                .i64("ok", new long[] {2}, new long[] {-5, 1 << 30})
                .i64("big", new long[] {2}, new long[] {1, 1L << 31})
                .toBytes());
        assertArrayEquals(new int[] {-5, 1 << 30}, f.ints("ok"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.ints("big"));
        assertEquals("<bytes>: tensor 'big' element 1 = 2147483648 does not fit in an int", e.getMessage());
    }

    @Test
    void writerRejectsShapeDataMismatchAndDuplicates() {
        var w = new Safetensors.Writer();
        var e = assertThrows(SafetensorsException.class, () -> w.f32("x", new long[] {2, 3}, new float[5]));
        assertEquals("tensor 'x': shape [2, 3] has 6 elements but 5 values were given", e.getMessage());
        w.f32("x", new long[] {1}, new float[1]);
        assertThrows(SafetensorsException.class, () -> w.f32("x", new long[] {1}, new float[1]));
        assertThrows(SafetensorsException.class, () -> w.f32("__metadata__", new long[] {1}, new float[1]));
    }

    @Test
    void atomicWriteReplacesAndLeavesNoTempFiles() throws IOException {
        Path file = tmp.resolve("sub/w.safetensors");
        new Safetensors.Writer().f32("a", new long[] {1}, new float[] {1}).write(file);
        new Safetensors.Writer().f32("a", new long[] {1}, new float[] {2}).write(file);
        assertArrayEquals(new float[] {2}, Safetensors.read(file).floats("a"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(
                    List.of("w.safetensors"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }

    /**
     * A sparse file with a 2.2 GB tensor followed by a small one: offsets past 2^31 are read with
     * positional I/O, and a slice of the big tensor is readable without loading it.
     */
    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        long bigElems = 550_000_000L; // 2.2e9 bytes as F32
        long bigBytes = bigElems * 4;
        String json = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + bigElems + "],\"data_offsets\":[0," + bigBytes
                + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + bigBytes + "," + (bigBytes + 8)
                + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Path file = tmp.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(header.length).put(header);
            raf.write(b.array());
            long dataStart = 8 + header.length;
            raf.seek(dataStart + bigBytes - 4); // last element of big = 1.5
            raf.write(ByteBuffer.allocate(12)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(1.5f)
                    .putFloat(-7f)
                    .putFloat(9f)
                    .array());
        }
        SafetensorsFile f = Safetensors.read(file);
        assertArrayEquals(new float[] {-7f, 9f}, f.floats("tail"));
        float[] slice = new float[3];
        f.readFloats("big", bigElems - 3, slice, 0, 3);
        assertArrayEquals(new float[] {0f, 0f, 1.5f}, slice);
        var e = assertThrows(SafetensorsException.class, () -> f.readFloats("big", bigElems - 1, slice, 0, 2));
        assertTrue(
                e.getMessage().contains("element range [549999999, 550000001) is outside [0, 550000000)"),
                e.getMessage());
    }
}

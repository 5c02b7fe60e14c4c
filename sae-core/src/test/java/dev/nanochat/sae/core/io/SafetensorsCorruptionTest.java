package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of damage gives its own error naming the file and, where relevant, the tensor. */
class SafetensorsCorruptionTest {
    @TempDir
    Path tmp;

    /** A file with the given header JSON and {@code dataBytes} zero bytes of data. */
    private Path file(String name, String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        return Files.write(tmp.resolve(name), b.array());
    }

    private String error(Path file) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void emptyFile() throws IOException {
        assertEquals("empty file (0 bytes), not a safetensors file", error(Files.write(tmp.resolve("e"), new byte[0])));
    }

    @Test
    void shorterThanThePrefix() throws IOException {
        assertEquals(
                "truncated: 5 bytes, fewer than the 8-byte header length prefix",
                error(Files.write(tmp.resolve("s"), new byte[5])));
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path f = file("h", "{}", 0);
        byte[] b = Files.readAllBytes(f);
        b[0] = 100; // claims 100 bytes of header, file has 2
        Files.write(f, b);
        assertEquals("header length 100 exceeds the 2 bytes after the prefix (truncated file?)", error(f));
    }

    @Test
    void hostileHeaderLength() throws IOException {
        byte[] b = new byte[16];
        Arrays.fill(b, 0, 8, (byte) 0xFF);
        assertEquals(
                "header length 18446744073709551615 is implausible (must be 2..100000000); not a safetensors file?",
                error(Files.write(tmp.resolve("x"), b)));
    }

    @Test
    void badJson() throws IOException {
        String msg = error(file("j", "{\"a\": {\"dtype\": \"F32\",", 0));
        assertTrue(msg.startsWith("header is not valid JSON: "), msg);
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertEquals("header does not start with '{' (byte 0x5b)", error(file("arr", "[1,2]", 0)));
    }

    @Test
    void duplicateTensorName() throws IOException {
        String t = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        String msg = error(file("dup", "{\"a\":" + t + ",\"a\":" + t + "}", 1));
        assertTrue(msg.contains("Duplicate field 'a'"), msg);
    }

    @Test
    void shapeTimesDtypeMismatch() throws IOException {
        assertEquals(
                "tensor 'w': shape [2, 3] × F32 (4 B) needs 24 bytes but data_offsets [0, 20) span 20",
                error(file("m", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20)));
    }

    @Test
    void overlappingOffsets() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertEquals("tensor 'b' bytes [4, 12) overlap tensor 'a' [0, 8)", error(file("o", json, 12)));
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertEquals("gap of 4 bytes before tensor 'b' (data offsets must be contiguous)", error(file("g", json, 12)));
    }

    @Test
    void offsetsPastTheEndOfATruncatedFile() throws IOException {
        byte[] full = new Safetensors.Writer()
                .f32("a", new long[] {4}, new float[4])
                .f32("z", new long[] {2}, new float[2])
                .toBytes();
        Path f = Files.write(tmp.resolve("t"), Arrays.copyOf(full, full.length - 3));
        assertEquals(
                "tensor 'z' ends at data byte 24 but the data section has only 21 bytes (truncated file?)", error(f));
    }

    @Test
    void trailingBytes() throws IOException {
        assertEquals(
                "3 trailing bytes after the last tensor (data section 7 bytes, tensors end at 4)",
                error(file("tr", "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 7)));
    }

    @Test
    void unknownDtype() throws IOException {
        String msg = error(file("d", "{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16));
        assertTrue(msg.startsWith("tensor 'a': unknown safetensors dtype 'F128'; known: BOOL, U8"), msg);
    }

    @Test
    void negativeOrMissingFields() throws IOException {
        assertEquals(
                "tensor 'a': 'shape'[0] is not a non-negative integer: -1",
                error(file("n", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)));
        assertEquals(
                "tensor 'a': 'data_offsets' must be an array of 2 integers, got null",
                error(file("n2", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1)));
    }

    @Test
    void nonStringMetadata() throws IOException {
        assertEquals(
                "__metadata__ value for 'step' is not a string: 5",
                error(file("md", "{\"__metadata__\":{\"step\":5}}", 0)));
    }

    @Test
    void missingFile() {
        Path f = tmp.resolve("absent.safetensors");
        assertEquals("no such file", error(f));
    }

    @Test
    void unknownTensorNameListsAvailableNames() {
        SafetensorsFile f = Safetensors.read(new Safetensors.Writer()
                .f32("W_enc", new long[] {1}, new float[1])
                .f32("b_enc", new long[] {1}, new float[1])
                .toBytes());
        var e = assertThrows(SafetensorsException.class, () -> f.floats("W_dec"));
        assertEquals("<bytes>: no tensor named 'W_dec'; available: [W_enc, b_enc]", e.getMessage());
    }

    @Test
    void wrongAccessorForDtype() {
        SafetensorsFile f = Safetensors.read(new Safetensors.Writer()
                .f32("x", new long[] {1}, new float[1])
                .i32("i", new long[] {1}, new int[1])
                .toBytes());
        assertEquals(
                "<bytes>: tensor 'i' is I32, not a float tensor",
                assertThrows(SafetensorsException.class, () -> f.floats("i")).getMessage());
        assertEquals(
                "<bytes>: tensor 'x' is F32, not an integer tensor",
                assertThrows(SafetensorsException.class, () -> f.ints("x")).getMessage());
    }

    @Test
    void corruptBlobInMemoryNamesTheSource() {
        var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(new byte[] {1, 2, 3}));
        assertEquals("<bytes>: truncated: 3 bytes, fewer than the 8-byte header length prefix", e.getMessage());
    }
}

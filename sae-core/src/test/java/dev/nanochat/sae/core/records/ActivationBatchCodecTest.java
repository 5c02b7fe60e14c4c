package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import dev.nanochat.sae.core.records.InvalidRecordException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ActivationBatchCodecTest {

    private static ActivationBatch batch(DType dtype, float[] x, int dIn) {
        int rows = x.length / dIn;
        int[] tokens = new int[rows];
        long[] docs = new long[rows];
        int[] pos = new int[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = 1000 + r;
            docs[r] = (1L << 40) + r / 2;
            pos[r] = r % 2;
        }
        return new ActivationBatch(
                "col-1",
                "d2-000600",
                "blocks.1.hook_resid_post",
                dIn,
                dtype,
                42,
                Split.TRAIN,
                ActivationBatchCodec.SCHEMA_VERSION,
                x,
                tokens,
                docs,
                pos);
    }

    @Test
    void f32RoundTripIsExactAndReadableAsPlainSafetensors() {
        float[] x = {1.5f, -2f, 0.1f, 3e-38f, 7f, -0f};
        ActivationBatch b = batch(DType.F32, x, 3);
        byte[] value = ActivationBatchCodec.encode(b);
        assertEquals(b, ActivationBatchCodec.decode(value, 3));
        SafetensorsFile f = Safetensors.read(value);
        assertEquals(
                Map.of(
                        "collection",
                        "col-1",
                        "model_id",
                        "d2-000600",
                        "hook",
                        "blocks.1.hook_resid_post",
                        "d_in",
                        "3",
                        "dtype",
                        "F32",
                        "sequence",
                        "42",
                        "split",
                        "train",
                        "schema_version",
                        "1"),
                f.metadata());
        assertArrayEquals(new long[] {2, 3}, f.info("activations").shape());
        assertArrayEquals(new long[] {1L << 40, 1L << 40}, f.longs("doc_ids"));
        assertArrayEquals(new int[] {0, 1}, f.ints("positions"));
    }

    @Test
    void f16PayloadRoundsToNearestHalfAndHalvesTheSize() {
        float[] x = {1f, 0.1f, -65504f, 1f + 0x1p-11f}; // last one is a tie → rounds to 1.0
        ActivationBatch b = batch(DType.F16, x, 2);
        byte[] value = ActivationBatchCodec.encode(b);
        ActivationBatch back = ActivationBatchCodec.decode(value);
        assertArrayEquals(new float[] {1f, 0.0999755859375f, -65504f, 1f}, back.activations());
        assertEquals(DType.F16, back.dtype());
        assertArrayEquals(
                new byte[] {0x00, 0x3C, 0x66, 0x2E, (byte) 0xFF, (byte) 0xFB, 0x00, 0x3C},
                Safetensors.read(value).rawBytes("activations"));
        int f32Size = ActivationBatchCodec.encode(batch(DType.F32, x, 2)).length;
        assertEquals(8, f32Size - value.length); // 4 values × 2 bytes saved, same header length class
    }

    @Test
    void headersCarryTheSameLabels() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("sae-collection", "col-1");
        expected.put("sae-model-id", "d2-000600");
        expected.put("sae-hook", "blocks.1.hook_resid_post");
        expected.put("sae-d-in", "2");
        expected.put("sae-dtype", "F16");
        expected.put("sae-sequence", "42");
        expected.put("sae-split", "train");
        expected.put("sae-schema-version", "1");
        assertEquals(expected, ActivationBatchCodec.headers(batch(DType.F16, new float[4], 2)));
        assertEquals(
                expected.keySet().stream().toList(),
                ActivationBatchCodec.headers(batch(DType.F16, new float[4], 2)).keySet().stream()
                        .toList());
    }

    @Test
    void encoderRefusesNonFiniteAndF16Overflow() {
        var nan = assertThrows(
                IllegalArgumentException.class,
                () -> ActivationBatchCodec.encode(batch(DType.F32, new float[] {0, 0, 0, Float.NaN}, 2)));
        assertTrue(nan.getMessage().endsWith("activation [1, 1] = NaN is not finite"), nan.getMessage());
        var big = assertThrows(
                IllegalArgumentException.class,
                () -> ActivationBatchCodec.encode(batch(DType.F16, new float[] {0, 70000f}, 2)));
        assertTrue(
                big.getMessage().endsWith("activation [0, 1] = 70000.0 exceeds the F16 range ±65504"),
                big.getMessage());
    }

    /** A hand-made record: the valid layout with one thing changed by {@code edit}. */
    private static byte[] crafted(
            Consumer<Map<String, String>> editMeta, float[] x, long[] shape, int[] tokens, boolean f16) {
        Map<String, String> meta = new LinkedHashMap<>(Map.of(
                "collection",
                "c",
                "model_id",
                "m",
                "hook",
                "h",
                "d_in",
                "2",
                "dtype",
                f16 ? "F16" : "F32",
                "sequence",
                "7",
                "split",
                "train",
                "schema_version",
                "1"));
        editMeta.accept(meta);
        Safetensors.Writer w = new Safetensors.Writer();
        meta.forEach(w::metadata);
        if (f16) {
            w.f16("activations", shape, x);
        } else {
            w.f32("activations", shape, x);
        }
        long n = shape[0];
        return w.i32("token_ids", new long[] {tokens.length}, tokens)
                .i64("doc_ids", new long[] {n}, new long[(int) n])
                .i32("positions", new long[] {n}, new int[(int) n])
                .toBytes();
    }

    private static InvalidRecordException rejected(byte[] value, int expectedDIn, Reason reason) {
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> ActivationBatchCodec.decode(value, expectedDIn));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void decodeRejectsEachKindOfBadRecordWithItsReason() {
        float[] ok = {1, 2, 3, 4};
        long[] shape = {2, 2};
        int[] tokens = {5, 6};
        // Sanity: the unmodified crafted record decodes.
        assertEquals(
                2,
                ActivationBatchCodec.decode(crafted(m -> {}, ok, shape, tokens, false), 2)
                        .rows());

        assertEquals(
                "activation [1, 0] = NaN in record seq 7 of h",
                rejected(crafted(m -> {}, new float[] {1, 2, Float.NaN, 4}, shape, tokens, false), 2, Reason.NON_FINITE)
                        .getMessage());
        // 70000 written as F16 becomes +Inf on the wire.
        assertEquals(
                "activation [0, 1] = Infinity in record seq 7 of h",
                rejected(crafted(m -> {}, new float[] {1, 70000f, 3, 4}, shape, tokens, true), 2, Reason.NON_FINITE)
                        .getMessage());
        assertEquals(
                "record d_in 2 but this consumer expects 768",
                rejected(crafted(m -> {}, ok, shape, tokens, false), 768, Reason.WRONG_D_IN)
                        .getMessage());
        assertEquals(
                "token_ids shape [3] does not match activations rows [2]",
                rejected(crafted(m -> {}, ok, shape, new int[] {1, 2, 3}, false), -1, Reason.SHAPE_MISMATCH)
                        .getMessage());
        assertEquals(
                "activations shape [1, 4] is not [n, d_in=2]",
                rejected(crafted(m -> {}, ok, new long[] {1, 4}, new int[] {1}, false), -1, Reason.SHAPE_MISMATCH)
                        .getMessage());
        assertEquals(
                "schema_version 2 is not supported (this build reads 1)",
                rejected(
                                crafted(m -> m.put("schema_version", "2"), ok, shape, tokens, false),
                                2,
                                Reason.UNKNOWN_SCHEMA_VERSION)
                        .getMessage());
        assertEquals(
                "unknown split 'test'; expected 'train' or 'eval'",
                rejected(crafted(m -> m.put("split", "test"), ok, shape, tokens, false), 2, Reason.MALFORMED)
                        .getMessage());
        String noHook = rejected(crafted(m -> m.remove("hook"), ok, shape, tokens, false), 2, Reason.MALFORMED)
                .getMessage();
        assertTrue(noHook.startsWith("missing metadata 'hook'; present: ["), noHook);
        assertEquals(
                "tensor 'activations' is F16, expected F32",
                rejected(crafted(m -> m.put("dtype", "F32"), ok, shape, tokens, true), 2, Reason.MALFORMED)
                        .getMessage());
        assertEquals(
                "metadata 'd_in' is not an integer: 'two'",
                rejected(crafted(m -> m.put("d_in", "two"), ok, shape, tokens, false), -1, Reason.MALFORMED)
                        .getMessage());
    }

    @Test
    void decodeRejectsMalformedBytes() {
        byte[] good = ActivationBatchCodec.encode(batch(DType.F32, new float[] {1, 2, 3, 4}, 2));
        String truncated = rejected(Arrays.copyOf(good, good.length - 1), -1, Reason.MALFORMED)
                .getMessage();
        assertTrue(
                truncated.startsWith("value is not a valid safetensors blob: <bytes>: tensor 'positions' ends at"),
                truncated);
        rejected("hello, kafka".getBytes(StandardCharsets.UTF_8), -1, Reason.MALFORMED);
        rejected(new byte[0], -1, Reason.MALFORMED);
        assertEquals(
                "record value is null (tombstone?)",
                rejected(null, -1, Reason.MALFORMED).getMessage());
        byte[] noTokens = new Safetensors.Writer()
                .metadata("schema_version", "1")
                .metadata("d_in", "2")
                .metadata("dtype", "F32")
                .f32("activations", new long[] {1, 2}, new float[2])
                .toBytes();
        assertEquals(
                "missing tensor 'token_ids'; present: [activations]",
                rejected(noTokens, -1, Reason.MALFORMED).getMessage());
    }

    @Test
    void maxRowsForKeepsRecordsUnderTheBudget() {
        assertEquals(1954, ActivationBatchCodec.maxRowsFor(128, DType.F32)); // (1 MiB − 16 KiB) / 528
        assertEquals(334, ActivationBatchCodec.maxRowsFor(768, DType.F32)); // / 3088
        assertEquals(665, ActivationBatchCodec.maxRowsFor(768, DType.F16)); // / 1552
        var e = assertThrows(
                IllegalArgumentException.class, () -> ActivationBatchCodec.maxRowsFor(768, DType.F32, 16_000));
        assertTrue(e.getMessage().contains("more than the record budget of 16000 bytes"), e.getMessage());

        // Worst case labels (256 chars, some needing JSON escapes): value + headers still fit.
        String label = "\u0001\"é".repeat(85) + "x";
        int dIn = 768;
        int rows = ActivationBatchCodec.maxRowsFor(dIn, DType.F32);
        ActivationBatch b = new ActivationBatch(
                label,
                label,
                label,
                dIn,
                DType.F32,
                Long.MAX_VALUE,
                Split.EVAL,
                ActivationBatchCodec.SCHEMA_VERSION,
                new float[rows * dIn],
                new int[rows],
                new long[rows],
                new int[rows]);
        long headerBytes = ActivationBatchCodec.headers(b).entrySet().stream()
                .mapToLong(h -> h.getKey().length() + h.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
        long total = ActivationBatchCodec.encode(b).length + headerBytes;
        long overhead = total - rows * ActivationBatchCodec.bytesPerRow(dIn, DType.F32);
        assertTrue(overhead < ActivationBatchCodec.RECORD_OVERHEAD_BYTES - 1024, "overhead " + overhead);
        assertTrue(total <= ActivationBatchCodec.KAFKA_DEFAULT_MAX_BYTES, "total " + total);
        // And the budget is used: one more row would exceed it once the reserve is counted.
        assertTrue((rows + 1) * ActivationBatchCodec.bytesPerRow(dIn, DType.F32)
                        + ActivationBatchCodec.RECORD_OVERHEAD_BYTES
                > ActivationBatchCodec.KAFKA_DEFAULT_MAX_BYTES);
    }

    @Test
    void constructorRejectsDisagreeingArrays() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ActivationBatch(
                        "c",
                        "m",
                        "h",
                        3,
                        DType.F32,
                        0,
                        Split.TRAIN,
                        1,
                        new float[5],
                        new int[2],
                        new long[2],
                        new int[2]));
        assertEquals(
                "batch arrays disagree: activations 5 values for d_in=3 (expected rows×d_in = 6), token_ids 2,"
                        + " doc_ids 2, positions 2",
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new ActivationBatch(
                        "c",
                        "m",
                        "h",
                        3,
                        DType.BF16,
                        0,
                        Split.TRAIN,
                        1,
                        new float[3],
                        new int[1],
                        new long[1],
                        new int[1]));
    }
}

package dev.nanochat.sae.core.records;

import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.MALFORMED;
import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.NON_FINITE;
import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.SHAPE_MISMATCH;
import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.UNKNOWN_SCHEMA_VERSION;
import static dev.nanochat.sae.core.records.InvalidRecordException.Reason.WRONG_D_IN;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.HalfFloats;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsException;
import dev.nanochat.sae.core.io.SafetensorsFile;
import dev.nanochat.sae.core.io.TensorInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wire format of {@link ActivationBatch}: a safetensors blob with tensors {@code activations}
 * [n, d_in] (F32 or F16), {@code token_ids} [n] I32, {@code doc_ids} [n] I64, {@code positions} [n]
 * I32 and the labels in {@code __metadata__}; the same labels go into Kafka headers so consumers can
 * route or skip (e.g. the eval split) without parsing the value.
 *
 * <p>Design: safetensors keeps the payload readable by Python and zero-parse for the floats. The
 * producer refuses to encode NaN/Inf or values beyond F16 range (fail at the source); the consumer
 * still checks everything, because a topic can hold anything, and reports a typed reason that the
 * services put on the dead-letter record.
 */
public final class ActivationBatchCodec {
    public static final int SCHEMA_VERSION = 1;

    public static final String ACTIVATIONS = "activations";
    public static final String TOKEN_IDS = "token_ids";
    public static final String DOC_IDS = "doc_ids";
    public static final String POSITIONS = "positions";

    public static final String META_COLLECTION = "collection";
    public static final String META_MODEL_ID = "model_id";
    public static final String META_HOOK = "hook";
    public static final String META_D_IN = "d_in";
    public static final String META_DTYPE = "dtype";
    public static final String META_SEQUENCE = "sequence";
    public static final String META_SPLIT = "split";
    public static final String META_SCHEMA_VERSION = "schema_version";

    public static final String HEADER_COLLECTION = "sae-collection";
    public static final String HEADER_MODEL_ID = "sae-model-id";
    public static final String HEADER_HOOK = "sae-hook";
    public static final String HEADER_D_IN = "sae-d-in";
    public static final String HEADER_DTYPE = "sae-dtype";
    public static final String HEADER_SEQUENCE = "sae-sequence";
    public static final String HEADER_SPLIT = "sae-split";
    public static final String HEADER_SCHEMA_VERSION = "sae-schema-version";

    /** Kafka's default producer max.request.size and (≈) broker message.max.bytes. */
    public static final int KAFKA_DEFAULT_MAX_BYTES = 1_048_576;
    /**
     * Bytes reserved per record beyond the tensor data: safetensors JSON header (4 entries ≈ 0.6 KB,
     * 8 metadata labels ≤ 256 chars each, JSON-escaped ≤ 5 KB), the same labels as Kafka headers
     * (≤ 6.5 KB in UTF-8) and the record framing (~0.1 KB). 16 KiB covers the worst case.
     */
    public static final int RECORD_OVERHEAD_BYTES = 16 * 1024;

    private ActivationBatchCodec() {}

    /** Tensor bytes per token: d_in activations + token id (4) + doc id (8) + position (4). */
    public static long bytesPerRow(int dIn, DType dtype) {
        return (long) dIn * dtype.byteSize() + 4 + 8 + 4;
    }

    /** How many rows fit in a record of at most {@code maxBytes} (value + headers + framing). */
    public static int maxRowsFor(int dIn, DType dtype, int maxBytes) {
        if (dIn <= 0 || (dtype != DType.F32 && dtype != DType.F16)) {
            throw new IllegalArgumentException(
                    "maxRowsFor needs d_in > 0 and dtype F32|F16, got " + dIn + ", " + dtype);
        }
        long rows = (maxBytes - (long) RECORD_OVERHEAD_BYTES) / bytesPerRow(dIn, dtype);
        if (rows < 1) {
            throw new IllegalArgumentException("one row of d_in=" + dIn + " " + dtype + " needs "
                    + bytesPerRow(dIn, dtype) + " bytes + " + RECORD_OVERHEAD_BYTES
                    + " overhead, more than the record budget of " + maxBytes + " bytes");
        }
        return (int) Math.min(rows, Integer.MAX_VALUE);
    }

    /** {@link #maxRowsFor(int, DType, int)} under Kafka's default 1 MiB. */
    public static int maxRowsFor(int dIn, DType dtype) {
        return maxRowsFor(dIn, dtype, KAFKA_DEFAULT_MAX_BYTES);
    }

    /** Serialises a batch; NaN/Inf, or values beyond ±65504 for F16, are refused. */
    public static byte[] encode(ActivationBatch b) {
        float[] x = b.activations();
        float limit = b.dtype() == DType.F16 ? HalfFloats.F16_MAX : Float.MAX_VALUE;
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i]) <= limit)) {
                throw new IllegalArgumentException(
                        "cannot encode " + b + ": activation [" + i / b.dIn() + ", " + i % b.dIn() + "] = " + x[i]
                                + (Float.isFinite(x[i]) ? " exceeds the F16 range ±65504" : " is not finite"));
            }
        }
        long n = b.rows();
        Safetensors.Writer w = new Safetensors.Writer();
        metadata(b).forEach(w::metadata);
        if (b.dtype() == DType.F16) {
            w.f16(ACTIVATIONS, new long[] {n, b.dIn()}, x);
        } else {
            w.f32(ACTIVATIONS, new long[] {n, b.dIn()}, x);
        }
        return w.i32(TOKEN_IDS, new long[] {n}, b.tokenIds())
                .i64(DOC_IDS, new long[] {n}, b.docIds())
                .i32(POSITIONS, new long[] {n}, b.positions())
                .toBytes();
    }

    /** The labels as Kafka header names (sae-collection, sae-model-id, ...) in a stable order. */
    public static Map<String, String> headers(ActivationBatch b) {
        Map<String, String> out = new LinkedHashMap<>();
        metadata(b).forEach((k, v) -> out.put("sae-" + k.replace('_', '-'), v));
        return out;
    }

    private static Map<String, String> metadata(ActivationBatch b) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(META_COLLECTION, b.collectionId());
        m.put(META_MODEL_ID, b.modelId());
        m.put(META_HOOK, b.hook());
        m.put(META_D_IN, Integer.toString(b.dIn()));
        m.put(META_DTYPE, b.dtype().safetensorsName());
        m.put(META_SEQUENCE, Long.toString(b.sequence()));
        m.put(META_SPLIT, b.split().wire());
        m.put(META_SCHEMA_VERSION, Integer.toString(b.schemaVersion()));
        return m;
    }

    /** Decodes and validates a record value; any problem is an {@link InvalidRecordException}. */
    public static ActivationBatch decode(byte[] value) {
        return decode(value, -1);
    }

    /** As {@link #decode(byte[])}, also requiring d_in to equal {@code expectedDIn} (ignored if ≤ 0). */
    public static ActivationBatch decode(byte[] value, int expectedDIn) {
        if (value == null) {
            throw new InvalidRecordException(MALFORMED, "record value is null (tombstone?)");
        }
        SafetensorsFile f;
        try {
            f = Safetensors.read(value);
        } catch (SafetensorsException e) {
            throw new InvalidRecordException(MALFORMED, "value is not a valid safetensors blob: " + e.getMessage(), e);
        }
        Map<String, String> meta = f.metadata();
        int version = intMeta(meta, META_SCHEMA_VERSION);
        if (version != SCHEMA_VERSION) {
            throw new InvalidRecordException(
                    UNKNOWN_SCHEMA_VERSION,
                    "schema_version " + version + " is not supported (this build reads " + SCHEMA_VERSION + ")");
        }
        int dIn = intMeta(meta, META_D_IN);
        if (expectedDIn > 0 && dIn != expectedDIn) {
            throw new InvalidRecordException(
                    WRONG_D_IN, "record d_in " + dIn + " but this consumer expects " + expectedDIn);
        }
        DType dtype = dtypeMeta(meta);
        TensorInfo act = tensor(f, ACTIVATIONS, dtype);
        long[] shape = act.shape();
        if (shape.length != 2 || shape[1] != dIn) {
            throw new InvalidRecordException(
                    SHAPE_MISMATCH, "activations shape " + Arrays.toString(shape) + " is not [n, d_in=" + dIn + "]");
        }
        long rows = shape[0];
        for (String name : new String[] {TOKEN_IDS, DOC_IDS, POSITIONS}) {
            TensorInfo t = tensor(f, name, name.equals(DOC_IDS) ? DType.I64 : DType.I32);
            if (!Arrays.equals(t.shape(), new long[] {rows})) {
                throw new InvalidRecordException(
                        SHAPE_MISMATCH,
                        name + " shape " + t.shapeString() + " does not match activations rows [" + rows + "]");
            }
        }
        float[] x = f.floats(ACTIVATIONS);
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new InvalidRecordException(
                        NON_FINITE,
                        "activation [" + i / dIn + ", " + i % dIn + "] = " + x[i] + " in record seq "
                                + meta.get(META_SEQUENCE) + " of " + meta.get(META_HOOK));
            }
        }
        try {
            return new ActivationBatch(
                    required(meta, META_COLLECTION),
                    required(meta, META_MODEL_ID),
                    required(meta, META_HOOK),
                    dIn,
                    dtype,
                    longMeta(meta, META_SEQUENCE),
                    Split.fromWire(required(meta, META_SPLIT)),
                    version,
                    x,
                    f.ints(TOKEN_IDS),
                    f.longs(DOC_IDS),
                    f.ints(POSITIONS));
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(MALFORMED, e.getMessage(), e);
        }
    }

    private static TensorInfo tensor(SafetensorsFile f, String name, DType dtype) {
        if (!f.has(name)) {
            throw new InvalidRecordException(MALFORMED, "missing tensor '" + name + "'; present: " + f.names());
        }
        TensorInfo t = f.info(name);
        if (t.dtype() != dtype) {
            throw new InvalidRecordException(
                    MALFORMED, "tensor '" + name + "' is " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }

    private static String required(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new InvalidRecordException(MALFORMED, "missing metadata '" + key + "'; present: " + meta.keySet());
        }
        return v;
    }

    private static int intMeta(Map<String, String> meta, String key) {
        long v = longMeta(meta, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidRecordException(MALFORMED, "metadata '" + key + "' = " + v + " is out of int range");
        }
        return (int) v;
    }

    private static long longMeta(Map<String, String> meta, String key) {
        String v = required(meta, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(MALFORMED, "metadata '" + key + "' is not an integer: '" + v + "'");
        }
    }

    private static DType dtypeMeta(Map<String, String> meta) {
        String v = required(meta, META_DTYPE);
        if (v.equalsIgnoreCase("F32")) {
            return DType.F32;
        }
        if (v.equalsIgnoreCase("F16")) {
            return DType.F16;
        }
        throw new InvalidRecordException(MALFORMED, "metadata dtype '" + v + "' is not F32 or F16");
    }
}

package dev.nanochat.sae.core.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the JSON header of a safetensors file against the size of its data section.
 *
 * <p>Design: the rules are those of the reference Rust implementation, checked up front so that a
 * reader never touches bytes outside a tensor: the header starts with '{', keys are unique, every
 * entry has a known dtype, a non-negative shape and [begin, end) offsets; numel × dtype size equals
 * end − begin; sorted by begin the tensors tile the data section exactly (no gap, no overlap, no
 * trailing bytes, none past the end). Each failure names the source and the tensor.
 */
final class SafetensorsHeader {
    /** The reference implementation's limit: larger headers are treated as hostile. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    final Map<String, String> metadata;
    final Map<String, TensorInfo> tensors; // header order

    private SafetensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Checks the 8-byte length prefix against the total size before anything is read. */
    static long checkHeaderLength(String source, long headerLength, long totalSize) {
        if (totalSize == 0) {
            throw new SafetensorsException(source + ": empty file (0 bytes), not a safetensors file");
        }
        if (totalSize < 8) {
            throw new SafetensorsException(
                    source + ": truncated: " + totalSize + " bytes, fewer than the 8-byte header length prefix");
        }
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsException(source + ": header length " + Long.toUnsignedString(headerLength)
                    + " is implausible (must be 2.." + MAX_HEADER_BYTES + "); not a safetensors file?");
        }
        if (headerLength > totalSize - 8) {
            throw new SafetensorsException(source + ": header length " + headerLength + " exceeds the "
                    + (totalSize - 8) + " bytes after the prefix (truncated file?)");
        }
        return totalSize - 8 - headerLength;
    }

    static SafetensorsHeader parse(String source, byte[] json, long dataLength) {
        if (json[0] != '{') {
            throw new SafetensorsException(
                    source + ": header does not start with '{' (byte 0x" + Integer.toHexString(json[0] & 0xFF) + ")");
        }
        JsonNode root;
        try {
            root = STRICT_JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(
                    source + ": header is not valid JSON: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (at byte " + e.getLocation().getByteOffset() + " of " + json.length + ")"),
                    e);
        } catch (IOException e) {
            throw new SafetensorsException(source + ": header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(source + ": header JSON is not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (METADATA_KEY.equals(e.getKey())) {
                metadata = parseMetadata(source, e.getValue());
            } else {
                tensors.put(e.getKey(), parseEntry(source, e.getKey(), e.getValue()));
            }
        }
        checkTiling(source, tensors.values(), dataLength);
        return new SafetensorsHeader(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    private static Map<String, String> parseMetadata(String source, JsonNode node) {
        if (!node.isObject()) {
            throw new SafetensorsException(source + ": __metadata__ must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(
                        source + ": __metadata__ value for '" + e.getKey() + "' is not a string: " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        });
        return out;
    }

    private static TensorInfo parseEntry(String source, String name, JsonNode node) {
        String where = source + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsException(where + ": entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(where + ": missing or non-string 'dtype'");
        }
        DType dtype;
        try {
            dtype = DType.fromName(dtypeNode.textValue());
        } catch (IllegalArgumentException ex) {
            throw new SafetensorsException(where + ": " + ex.getMessage());
        }
        long[] shape = longArray(where, node.get("shape"), "shape", -1);
        long[] offsets = longArray(where, node.get("data_offsets"), "data_offsets", 2);
        if (offsets[1] < offsets[0]) {
            throw new SafetensorsException(where + ": data_offsets end " + offsets[1] + " < begin " + offsets[0]);
        }
        long expected;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            expected = Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(where + ": shape " + java.util.Arrays.toString(shape) + " overflows");
        }
        if (expected != offsets[1] - offsets[0]) {
            throw new SafetensorsException(where + ": shape " + java.util.Arrays.toString(shape) + " × " + dtype
                    + " (" + dtype.byteSize() + " B) needs " + expected + " bytes but data_offsets ["
                    + offsets[0] + ", " + offsets[1] + ") span " + (offsets[1] - offsets[0]));
        }
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longArray(String where, JsonNode node, String field, int requiredLength) {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new SafetensorsException(where + ": '" + field + "' must be an array"
                    + (requiredLength >= 0 ? " of " + requiredLength + " integers" : " of integers") + ", got " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsException(
                        where + ": '" + field + "'[" + i + "] is not a non-negative integer: " + v);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** Sorted by begin, the ranges must cover [0, dataLength) exactly once. */
    private static void checkTiling(String source, Iterable<TensorInfo> infos, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long cursor = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < cursor) {
                throw new SafetensorsException(source + ": tensor '" + t.name() + "' bytes [" + t.begin() + ", "
                        + t.end() + ") overlap tensor '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + ")");
            }
            if (t.begin() > cursor) {
                throw new SafetensorsException(source + ": gap of " + (t.begin() - cursor) + " bytes before tensor '"
                        + t.name() + "' (data offsets must be contiguous)");
            }
            if (t.end() > dataLength) {
                throw new SafetensorsException(source + ": tensor '" + t.name() + "' ends at data byte " + t.end()
                        + " but the data section has only " + dataLength + " bytes (truncated file?)");
            }
            cursor = t.end();
            previous = t;
        }
        if (cursor != dataLength) {
            throw new SafetensorsException(
                    source + ": " + (dataLength - cursor) + " trailing bytes after the last tensor (data section "
                            + dataLength + " bytes, tensors end at " + cursor + ")");
        }
    }
}

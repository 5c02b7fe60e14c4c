package dev.nanochat.sae.core.records;

import dev.nanochat.sae.core.io.DType;
import java.util.Arrays;

/**
 * One Kafka record of activations: {@code rows} tokens of one hook, with where each came from.
 *
 * <p>Layout: activations [rows, dIn] row-major; tokenIds, docIds, positions [rows]. {@code dtype}
 * is the wire precision of the activations (F32 or F16); in memory they are always float.
 * {@code sequence} numbers a collection's records per topic so gaps and duplicates are visible.
 * The constructor checks that the arrays agree; value checks (NaN, F16 range) are the codec's.
 */
public record ActivationBatch(
        String collectionId,
        String modelId,
        String hook,
        int dIn,
        DType dtype,
        long sequence,
        Split split,
        int schemaVersion,
        float[] activations,
        int[] tokenIds,
        long[] docIds,
        int[] positions) {

    /** Longest id/model/hook string accepted, so the record-size headroom is a proven bound. */
    public static final int MAX_LABEL_LENGTH = 256;

    public ActivationBatch {
        label("collectionId", collectionId);
        label("modelId", modelId);
        label("hook", hook);
        if (dIn <= 0) {
            throw new IllegalArgumentException("d_in must be positive, got " + dIn);
        }
        if (dtype != DType.F32 && dtype != DType.F16) {
            throw new IllegalArgumentException("activation dtype must be F32 or F16, got " + dtype);
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be ≥ 0, got " + sequence);
        }
        if (split == null || activations == null || tokenIds == null || docIds == null || positions == null) {
            throw new IllegalArgumentException("split and all arrays are required");
        }
        int rows = tokenIds.length;
        if ((long) rows * dIn != activations.length || docIds.length != rows || positions.length != rows) {
            throw new IllegalArgumentException("batch arrays disagree: activations " + activations.length
                    + " values for d_in=" + dIn + " (expected rows×d_in = " + ((long) rows * dIn) + "), token_ids "
                    + rows + ", doc_ids " + docIds.length + ", positions " + positions.length);
        }
    }

    private static void label(String field, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException(
                    field + " must be 1.." + MAX_LABEL_LENGTH + " characters, got '" + value + "'");
        }
    }

    /** Number of tokens (rows) in the batch. */
    public int rows() {
        return tokenIds.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationBatch b
                && collectionId.equals(b.collectionId)
                && modelId.equals(b.modelId)
                && hook.equals(b.hook)
                && dIn == b.dIn
                && dtype == b.dtype
                && sequence == b.sequence
                && split == b.split
                && schemaVersion == b.schemaVersion
                && Arrays.equals(activations, b.activations)
                && Arrays.equals(tokenIds, b.tokenIds)
                && Arrays.equals(docIds, b.docIds)
                && Arrays.equals(positions, b.positions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {collectionId, hook, sequence}) * 31 + Arrays.hashCode(activations);
    }

    @Override
    public String toString() {
        return "ActivationBatch[" + collectionId + " " + modelId + "/" + hook + " seq=" + sequence + " " + split.wire()
                + " rows=" + rows() + " d_in=" + dIn + " " + dtype + "]";
    }
}

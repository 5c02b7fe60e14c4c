package dev.nanochat.sae.corpus;

/**
 * One document of a corpus.
 *
 * @param id   stable human-readable id, {@code <file name>:<slot>} where slot counts every document
 *             slot of the file (skipped ones too), so ids do not shift when a bad line is skipped
 * @param key  the same identity as a number for Kafka records: {@code fileIndex << 40 | slot}
 * @param text the document text (valid UTF-8, never empty)
 */
public record Document(String id, long key, String text) {
    /** Slots per file representable in {@link #key}: 2^40 (~10^12) documents. */
    public static final int SLOT_BITS = 40;

    static long key(int fileIndex, long slot) {
        return ((long) fileIndex << SLOT_BITS) | slot;
    }
}

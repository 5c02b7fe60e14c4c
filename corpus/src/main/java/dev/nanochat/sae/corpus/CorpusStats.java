package dev.nanochat.sae.corpus;

/**
 * Counts of what a reader saw. Every slot is exactly one of: a document, empty (blank text),
 * invalid UTF-8, or malformed (a JSONL line that is not an object with a string {@code text},
 * a line-doc line without a body field).
 */
public record CorpusStats(long documents, long empty, long invalidUtf8, long malformed, long textBytes) {
    public long skipped() {
        return empty + invalidUtf8 + malformed;
    }

    @Override
    public String toString() {
        return documents + " documents (" + textBytes + " bytes), skipped " + empty + " empty, " + invalidUtf8
                + " invalid UTF-8, " + malformed + " malformed";
    }
}

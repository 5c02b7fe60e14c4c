package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.corpus.CorpusPosition;

/**
 * Where a collection resumes, and what it had produced up to there.
 *
 * <p>The token stream is a pure function of the request, so a position only needs the corpus slot at
 * which the document in progress starts, how many of its tokens (BOS included) were already packed,
 * and the next record sequence number. {@code invalidUtf8} and {@code documents} are the reader's
 * counts (and UTF-8 bytes of documents read) <em>before</em> that document, so a resumed reader's counts add on without double counting.
 */
public record CollectionPosition(
        CorpusPosition corpus,
        int tokenOffset,
        long nextSequence,
        long tokens,
        long evalTokens,
        long documents,
        long invalidUtf8,
        long textBytes) {

    public static final CollectionPosition START = new CollectionPosition(CorpusPosition.START, 0, 0, 0, 0, 0, 0, 0);

    public CollectionPosition {
        if (tokenOffset < 0 || nextSequence < 0 || tokens < 0 || evalTokens < 0) {
            throw new IllegalArgumentException("collection position counters must be non-negative: token offset "
                    + tokenOffset + ", sequence " + nextSequence + ", tokens " + tokens);
        }
    }

    /** The same place with the record counters advanced by one forward step. */
    public CollectionPosition withOutput(long sequences, long addTokens, long addEvalTokens) {
        return new CollectionPosition(
                corpus,
                tokenOffset,
                nextSequence + sequences,
                tokens + addTokens,
                evalTokens + addEvalTokens,
                documents,
                invalidUtf8,
                textBytes);
    }
}

package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusPosition;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.CorpusStats;
import dev.nanochat.sae.corpus.Document;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Turns a corpus into fixed-size context windows: each document becomes {@code <|bos|>} + its
 * tokens, and documents are concatenated and cut every {@code contextSize} tokens (nanochat's own
 * pre-training packing; a window may hold the end of one document and the start of the next).
 *
 * <p>Resumable: {@link #position()} names the corpus slot where the document in progress starts and
 * how many of its tokens were already packed, so a new packer opened there yields exactly the
 * windows that would have followed. Documents are split into train/eval whole, by {@link EvalSplit}.
 */
public final class SequencePacker implements AutoCloseable {
    private final CorpusReader reader;
    private final Function<String, int[]> encoder;
    private final int bosId;
    private final EvalSplit split;
    private final int contextSize;
    private final CollectionPosition start;

    private int[] doc; // [<|bos|>, tokens...] of the document in progress, null before the first
    private long docKey;
    private boolean docEval;
    private int offset; // tokens of doc already packed
    private CorpusPosition docStart;
    private CorpusStats statsBeforeDoc = new CorpusStats(0, 0, 0, 0, 0);
    private boolean ended;

    public SequencePacker(
            Corpus corpus,
            Function<String, int[]> encoder,
            int bosId,
            EvalSplit split,
            int contextSize,
            CollectionPosition start) {
        if (contextSize < 1) {
            throw new IllegalArgumentException("context size must be >= 1, got " + contextSize);
        }
        this.reader = corpus.open(start.corpus());
        this.encoder = encoder;
        this.bosId = bosId;
        this.split = split;
        this.contextSize = contextSize;
        this.start = start;
        this.docStart = start.corpus();
        if (advance()) {
            if (start.tokenOffset() > doc.length) {
                throw new IllegalArgumentException(
                        "cannot resume: document at " + start.corpus().encode() + " has " + doc.length
                                + " tokens, position says " + start.tokenOffset() + " were packed");
            }
            offset = start.tokenOffset();
        }
    }

    /** The next window (length {@code contextSize}, shorter only at the corpus end), or null at the end. */
    public PackedSequence next() {
        int[] tokens = new int[contextSize];
        long[] keys = new long[contextSize];
        boolean[] eval = new boolean[contextSize];
        int filled = 0;
        while (filled < contextSize) {
            if (offset == doc.length && !advance()) {
                break;
            }
            int n = Math.min(contextSize - filled, doc.length - offset);
            System.arraycopy(doc, offset, tokens, filled, n);
            Arrays.fill(keys, filled, filled + n, docKey);
            Arrays.fill(eval, filled, filled + n, docEval);
            offset += n;
            filled += n;
        }
        if (filled == 0) {
            return null;
        }
        return filled == contextSize
                ? new PackedSequence(tokens, keys, eval)
                : new PackedSequence(
                        Arrays.copyOf(tokens, filled), Arrays.copyOf(keys, filled), Arrays.copyOf(eval, filled));
    }

    /** Resume point after the windows returned so far (record counters copied from the start position). */
    public CollectionPosition position() {
        return new CollectionPosition(
                docStart,
                ended ? 0 : offset,
                start.nextSequence(),
                start.tokens(),
                start.evalTokens(),
                start.documents() + statsBeforeDoc.documents(),
                start.invalidUtf8() + statsBeforeDoc.invalidUtf8(),
                start.textBytes() + statsBeforeDoc.textBytes());
    }

    /** Reader counts since this packer opened (add to the start position's counts for totals). */
    public CorpusStats stats() {
        return reader.stats();
    }

    @Override
    public void close() {
        reader.close();
    }

    private boolean advance() {
        if (ended) {
            return false;
        }
        statsBeforeDoc = reader.stats();
        docStart = reader.position();
        Document d = reader.next();
        if (d == null) {
            ended = true;
            doc = new int[0];
            offset = 0;
            return false;
        }
        int[] body = encoder.apply(d.text());
        doc = new int[body.length + 1];
        doc[0] = bosId;
        System.arraycopy(body, 0, doc, 1, body.length);
        docKey = d.key();
        docEval = split.of(d.text()) == Split.EVAL;
        offset = 0;
        return true;
    }
}

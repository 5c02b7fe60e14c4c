package dev.nanochat.sae.train;

import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.Document;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Batches of token rows for next-token training, cut from one stream the way nanochat's base
 * dataloader builds it: every document becomes {@code <|bos|>} + its tokens, documents are
 * concatenated, and the stream is cut into rows of {@code seqLen + 1} tokens where consecutive rows
 * overlap by one token (row r's last token is row r+1's first), so every token is a target once.
 * Inputs are row[0..T), targets row[1..T].
 *
 * When the corpus runs out the reader is reopened (a new epoch) if {@code loop} is set; otherwise
 * {@link #next()} returns null and the last partial batch is dropped.
 */
public final class TokenBatches {
    private final Supplier<CorpusReader> open;
    private final Predicate<Document> keep;
    private final Function<String, int[]> encode;
    private final int bos, batch, seqLen;
    private final boolean loop;
    private CorpusReader reader;
    private int[] pending = new int[1 << 16];
    private int start, end;
    private long documents;
    private int epochs;

    public TokenBatches(
            Supplier<CorpusReader> open,
            Predicate<Document> keep,
            Function<String, int[]> encode,
            int bos,
            int batch,
            int seqLen,
            boolean loop) {
        if (batch <= 0 || seqLen <= 0)
            throw new IllegalArgumentException("batch " + batch + " and seqLen " + seqLen + " must be positive");
        this.open = open;
        this.keep = keep;
        this.encode = encode;
        this.bos = bos;
        this.batch = batch;
        this.seqLen = seqLen;
        this.loop = loop;
    }

    /** The next [batch][seqLen + 1] rows, or null when the corpus is exhausted and not looping. */
    public int[][] next() {
        int[][] rows = new int[batch][];
        for (int r = 0; r < batch; r++) {
            if (!fill(seqLen + 1)) return null;
            rows[r] = Arrays.copyOfRange(pending, start, start + seqLen + 1);
            start += seqLen;
        }
        return rows;
    }

    public long documents() {
        return documents;
    }

    /** Completed passes over the corpus. */
    public int epochs() {
        return epochs;
    }

    private boolean fill(int needed) {
        while (end - start < needed) {
            if (reader == null) reader = open.get();
            Document d = reader.next();
            if (d == null) {
                reader.close();
                reader = null;
                epochs++;
                if (!loop || documents == 0) return false;
                continue;
            }
            if (!keep.test(d)) continue;
            documents++;
            append(d);
        }
        return true;
    }

    private void append(Document d) {
        int[] ids = encode.apply(d.text());
        if (start > 0 && end + ids.length + 1 > pending.length) {
            System.arraycopy(pending, start, pending, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end + ids.length + 1 > pending.length)
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, end + ids.length + 1));
        pending[end++] = bos;
        System.arraycopy(ids, 0, pending, end, ids.length);
        end += ids.length;
    }

    public void close() {
        if (reader != null) reader.close();
        reader = null;
    }
}

package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Split;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one forward step into Kafka records: rows are grouped by split (train first, then eval, so
 * every record is homogeneous), each group is cut into chunks of at most {@code maxRows} rows, and
 * chunk k of the step gets sequence number {@code firstSequence + k} for <em>every</em> hook. Equal
 * sequence numbers across hook topics therefore hold the same tokens, which lets a consumer join
 * hooks, and a replay after a restart reproduces the same numbers (consumers dedup on them).
 */
public final class RecordSlicer {
    private RecordSlicer() {}

    /** Row indices of one record, shared by all hooks. */
    public record Chunk(long sequence, Split split, int[] rows) {}

    public static List<Chunk> chunks(StepRows step, int maxRows, long firstSequence) {
        List<Chunk> out = new ArrayList<>();
        long seq = firstSequence;
        for (Split split : new Split[] {Split.TRAIN, Split.EVAL}) {
            boolean wantEval = split == Split.EVAL;
            int[] rows = new int[step.rows()];
            int n = 0;
            for (int r = 0; r < step.rows(); r++) {
                if (step.eval()[r] == wantEval) {
                    rows[n++] = r;
                }
            }
            for (int from = 0; from < n; from += maxRows) {
                int to = Math.min(n, from + maxRows);
                out.add(new Chunk(seq++, split, java.util.Arrays.copyOfRange(rows, from, to)));
            }
        }
        return out;
    }

    /**
     * Gathers one chunk of one hook's activations.
     *
     * @param activations [rows ≥ step rows, d] row-major, as returned by the forward pass for this hook
     */
    public static ActivationBatch batch(
            String collectionId,
            String modelId,
            String hook,
            int d,
            DType dtype,
            Chunk chunk,
            StepRows step,
            float[] activations) {
        int n = chunk.rows().length;
        float[] acts = new float[n * d];
        int[] ids = new int[n];
        long[] docs = new long[n];
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            int r = chunk.rows()[i];
            System.arraycopy(activations, r * d, acts, i * d, d);
            ids[i] = step.tokenIds()[r];
            docs[i] = step.docKeys()[r];
            pos[i] = step.positions()[r];
        }
        return new ActivationBatch(
                collectionId,
                modelId,
                hook,
                d,
                dtype,
                chunk.sequence(),
                chunk.split(),
                ActivationBatchCodec.SCHEMA_VERSION,
                acts,
                ids,
                docs,
                pos);
    }
}

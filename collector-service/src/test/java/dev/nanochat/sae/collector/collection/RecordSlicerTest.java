package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSlicerTest {
    @Test
    void rows_are_grouped_by_split_then_cut_with_consecutive_sequences() {
        boolean[] eval = {false, true, false, false, true, false, false};
        StepRows rows = new StepRows(
                7,
                new int[] {10, 11, 12, 13, 14, 15, 16},
                new long[] {0, 1, 0, 0, 1, 2, 2},
                new int[] {0, 1, 2, 3, 4, 5, 6},
                eval);
        List<RecordSlicer.Chunk> chunks = RecordSlicer.chunks(rows, 2, 40);
        assertEquals(4, chunks.size());
        assertEquals(
                List.of(40L, 41L, 42L, 43L),
                chunks.stream().map(RecordSlicer.Chunk::sequence).toList());
        assertEquals(
                List.of(Split.TRAIN, Split.TRAIN, Split.TRAIN, Split.EVAL),
                chunks.stream().map(RecordSlicer.Chunk::split).toList());
        assertArrayEquals(new int[] {0, 2}, chunks.get(0).rows());
        assertArrayEquals(new int[] {3, 5}, chunks.get(1).rows());
        assertArrayEquals(new int[] {6}, chunks.get(2).rows());
        assertArrayEquals(new int[] {1, 4}, chunks.get(3).rows());
    }

    @Test
    void a_batch_gathers_the_rows_activations_and_labels() {
        int d = 3;
        float[] acts = new float[4 * d];
        for (int i = 0; i < acts.length; i++) {
            acts[i] = i * 0.5f;
        }
        StepRows rows = new StepRows(
                4, new int[] {5, 6, 7, 8}, new long[] {9, 9, 9, 9}, new int[] {0, 1, 2, 3}, new boolean[4]);
        ActivationBatch b = RecordSlicer.batch(
                "c",
                "d2-000600",
                "blocks.0.hook_resid_post",
                d,
                DType.F32,
                new RecordSlicer.Chunk(7, Split.TRAIN, new int[] {1, 3}),
                rows,
                acts);
        assertArrayEquals(new float[] {1.5f, 2f, 2.5f, 4.5f, 5f, 5.5f}, b.activations());
        assertArrayEquals(new int[] {6, 8}, b.tokenIds());
        assertArrayEquals(new int[] {1, 3}, b.positions());
        assertEquals(7, b.sequence());
    }
}

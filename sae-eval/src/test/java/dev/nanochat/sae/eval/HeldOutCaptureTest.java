package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutCaptureTest {
    private static final HookPoint HOOK = HookPoint.parse("blocks.0.hook_mlp_out");

    @Test
    void captured_rows_are_the_model_activations_of_each_document() {
        int[][] ids = FixtureModel.referenceIds();
        int[] shortDoc = Arrays.copyOf(ids[1], 7);
        try (Gpt gpt = FixtureModel.load()) {
            HeldOutSet set = HeldOutCapture.capture(gpt, HOOK, List.of(ids[0], shortDoc));
            assertEquals(23 + 7, set.rows());
            float[] direct = gpt.forward(new int[][] {ids[0]}, ForwardOptions.captureOnly(Set.of(HOOK)))
                    .activations(HOOK);
            assertArrayEquals(direct, Arrays.copyOf(set.activations(), 23 * 128));
            List<int[]> seqs = set.sequences(128);
            assertArrayEquals(ids[0], seqs.get(0));
            assertArrayEquals(shortDoc, seqs.get(1));
            var e = assertThrows(
                    IllegalArgumentException.class, () -> HeldOutCapture.capture(gpt, HOOK, List.of(new int[129])));
            assertEquals("document 0 has 129 tokens; need 1..128 (the model's context)", e.getMessage());
        }
    }

    @Test
    void records_decoded_from_the_wire_keep_their_order() {
        ActivationBatch a = new ActivationBatch(
                "c",
                "d2-000600",
                "blocks.0.hook_mlp_out",
                2,
                DType.F32,
                0,
                Split.EVAL,
                ActivationBatchCodec.SCHEMA_VERSION,
                new float[] {1, 2, 3, 4},
                new int[] {5, 6},
                new long[] {9, 9},
                new int[] {0, 1});
        ActivationBatch decoded = ActivationBatchCodec.decode(ActivationBatchCodec.encode(a));
        HeldOutSet set = HeldOutCapture.fromBatches(List.of(decoded, decoded), 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2}, set.activations());
        assertArrayEquals(new int[] {0, 1, 0}, set.positions());
    }
}

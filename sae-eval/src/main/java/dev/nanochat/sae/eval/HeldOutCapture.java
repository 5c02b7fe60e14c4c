package dev.nanochat.sae.eval;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Ways to obtain a {@link HeldOutSet}: from decoded activation records (the service, which reads the
 * collector's eval split) or by running the model on token sequences (the CLI, which has no collector).
 *
 * <p>Design: capture runs one document per forward ([1, L]) so every row is a true activation of its
 * document's prefix — batching would need padding, and padded rows are not activations of anything.
 * Documents longer than the model's context are rejected rather than silently cut.
 */
public final class HeldOutCapture {
    private HeldOutCapture() {}

    /** One held-out chunk per record, in the order given. */
    public static HeldOutSet fromBatches(List<ActivationBatch> batches, int maxRows) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no activation records to build a held-out set from");
        }
        int dIn = batches.get(0).dIn();
        List<HeldOutSet> parts = new ArrayList<>();
        for (ActivationBatch b : batches) {
            parts.add(new HeldOutSet(b.dIn(), b.activations(), b.tokenIds(), b.docIds(), b.positions()));
        }
        return HeldOutSet.concat(dIn, parts, maxRows);
    }

    /** Activations at {@code hook} for each document (doc id = index, positions from 0). */
    public static HeldOutSet capture(Gpt gpt, HookPoint hook, List<int[]> documents) {
        hook.validate(gpt.config());
        int d = gpt.config().nEmbd();
        List<HeldOutSet> parts = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < documents.size(); i++) {
            int[] doc = documents.get(i);
            if (doc.length == 0 || doc.length > gpt.config().sequenceLen()) {
                throw new IllegalArgumentException("document " + i + " has " + doc.length + " tokens; need 1.."
                        + gpt.config().sequenceLen() + " (the model's context)");
            }
            float[] act = gpt.forward(new int[][] {doc}, ForwardOptions.captureOnly(Set.of(hook)))
                    .activations(hook);
            int[] positions = new int[doc.length];
            long[] docIds = new long[doc.length];
            for (int p = 0; p < doc.length; p++) {
                positions[p] = p;
                docIds[p] = i;
            }
            parts.add(new HeldOutSet(d, act, doc.clone(), docIds, positions));
            rows += doc.length;
        }
        return HeldOutSet.concat(d, parts, rows);
    }
}

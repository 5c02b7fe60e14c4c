package dev.nanochat.sae.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.Intervention;
import java.util.ArrayList;
import java.util.List;

/**
 * The intervention at one hook: for each SAE attached there, encode x only if it is tracked or
 * clamped, record its features, then add the steering edits to the ORIGINAL x:
 * x' = x + Σ_additive s_i·W_dec[i] + Σ_clamp (v_i − f_i(x))·W_dec[i].
 * Design: everything constant across calls is prepared once per run on the model's device — the
 * additive edits folded into one vector delta [C], the clamped features' decoder rows [k, C], their
 * targets [k] and indices — so a decode step pays one add for pure additive steering and one encode,
 * one gather and one [T,k]×[k,C] matmul per clamped SAE. Encodings are computed from x before any edit
 * at this hook, so several edits at one hook do not see each other. An SAE that is only tracked (no
 * clamp needs its codes here) is encoded by the run's {@link TraceWorker}, off the forward's thread.
 */
final class HookProgram implements Intervention {
    /** One SAE at this hook with its prepared device arrays (null = not needed). */
    private record Slot(
            AttachedSae sae,
            FeatureTrace trace,
            NDArray chosenIdx,
            NDArray clampIdx,
            NDArray clampTargets,
            NDArray clampRows,
            NDArray delta) {}

    private final List<Slot> slots = new ArrayList<>();
    private final TraceWorker worker;

    /** {@code worker}: where tracking-only encodings go (null: encode on the forward's thread). */
    HookProgram(TraceWorker worker) {
        this.worker = worker;
    }

    /**
     * Adds one SAE; {@code edits} are this SAE's edits. Arrays are created in {@code m} (the run's
     * manager, on the model's device) and live until the run ends.
     */
    void add(AttachedSae sae, FeatureTrace trace, List<FeatureEdit> edits, NDManager m) {
        int d = sae.sae().config().dIn();
        float[] delta = null;
        List<FeatureEdit> clamps = new ArrayList<>();
        for (FeatureEdit e : edits) {
            if (e.method().needsEncoding()) {
                clamps.add(e);
                continue;
            }
            if (delta == null) delta = new float[d];
            float[] row = sae.sae().decoderRow(e.feature());
            for (int c = 0; c < d; c++) delta[c] += e.value() * row[c];
        }
        NDArray clampIdx = null, targets = null, rows = null;
        if (!clamps.isEmpty()) {
            long[] idx = new long[clamps.size()];
            float[] v = new float[clamps.size()];
            float[] w = new float[clamps.size() * d];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = clamps.get(k).feature();
                v[k] = clamps.get(k).target();
                System.arraycopy(sae.sae().decoderRow(clamps.get(k).feature()), 0, w, k * d, d);
            }
            clampIdx = m.create(idx);
            targets = m.create(v);
            rows = m.create(w, new Shape(idx.length, d));
        }
        NDArray chosenIdx = null;
        if (trace != null && trace.chosenFeatures().length > 0) {
            chosenIdx = m.create(java.util.Arrays.stream(trace.chosenFeatures())
                    .asLongStream()
                    .toArray());
        }
        slots.add(new Slot(sae, trace, chosenIdx, clampIdx, targets, rows, delta == null ? null : m.create(delta)));
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    /**
     * Nothing here reads x after {@link #apply} returns: synchronous encodings and edits finish inside
     * it, and the worker gets its own copy. So the forward may go on updating x in place.
     */
    @Override
    public boolean retainsActivation() {
        return false;
    }

    @Override
    public NDArray apply(HookPoint hook, NDArray x) {
        NDArray out = x;
        for (Slot s : slots) {
            if (s.clampIdx == null && s.trace != null && worker != null) {
                worker.submit(s.sae, s.trace, s.chosenIdx, x); // tracking only: off the critical path
            } else if (s.clampIdx != null || s.trace != null) {
                NDArray z = s.sae.sae().encode(x);
                if (s.trace != null) s.trace.append(z, s.chosenIdx);
                if (s.clampIdx != null) {
                    NDArray f = z.get(new NDIndex("..., {}", s.clampIdx)); // [B,T,k]
                    out = out.add(s.clampTargets.sub(f).matMul(s.clampRows));
                }
            }
            if (s.delta != null) out = out.add(s.delta);
        }
        return out;
    }
}

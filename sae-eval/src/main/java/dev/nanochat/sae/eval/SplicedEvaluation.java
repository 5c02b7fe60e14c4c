package dev.nanochat.sae.eval;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.Intervention;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spliced next-token loss: runs nanochat three times on the same held-out sequences — clean, with the
 * hook activation replaced by the SAE reconstruction x̂, and with it replaced by zeros — and compares
 * the next-token distributions (sae.md: ce_loss_recovered, kl_spliced).
 *
 * <p>Design: sequences of different lengths are right-padded into one [B,T] batch; the model is causal,
 * so padding never influences earlier positions, and padded targets are ignored. The batch size is
 * chosen so that one logits array [B,T,V] stays under a fixed budget of floats (three of them are
 * alive at once while the losses are reduced on the heap by {@link NextTokenLoss}).
 */
public final class SplicedEvaluation {
    /** Floats per logits array: 8M floats = 32 MB, ×3 forwards. */
    static final long LOGITS_BUDGET = 8L << 20;

    private final Gpt gpt;
    private final HookPoint hook;

    public SplicedEvaluation(Gpt gpt, HookPoint hook) {
        this.gpt = gpt;
        this.hook = hook;
        hook.validate(gpt.config());
    }

    public HookPoint hook() {
        return hook;
    }

    /** The model's context length: longer sequences are split before evaluation. */
    public int maxSequenceLength() {
        return gpt.config().sequenceLen();
    }

    /** Evaluates on the given token sequences (each ≥ 2 tokens, ≤ the model's context). */
    public SplicedMetrics evaluate(Sae sae, List<int[]> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no held-out token sequences to evaluate the spliced loss on");
        }
        int dModel = gpt.config().nEmbd();
        if (sae.config().dIn() != dModel) {
            throw new IllegalArgumentException(
                    "SAE d_in " + sae.config().dIn() + " does not match hook " + hook.name() + " width " + dModel);
        }
        // x̂ for the activation [B,T,C]; the engine maps any leading shape [..., d_in].
        Intervention splice = (h, act) -> sae.reconstruct(act);
        // Gpt.forward runs inside a DJL NDScope that closes every array created during the call; an SAE
        // that creates its device weights lazily on first use would lose them after one forward. One
        // host-side call here materialises them outside any scope.
        sae.reconstruct(new float[dModel], 1);
        Intervention ablate = (h, act) -> act.zerosLike();
        int vocab = gpt.config().vocabSize();
        NextTokenLoss.Sums sums = new NextTokenLoss.Sums(0, 0, 0, 0, 0, 0);
        int i = 0;
        while (i < sequences.size()) {
            int longest = 0;
            int batch = 0;
            // Grow the batch while [B, T_max, V] logits fit the budget.
            while (i + batch < sequences.size()) {
                int len = sequences.get(i + batch).length - 1;
                int t = Math.max(longest, len);
                if (batch > 0 && (long) (batch + 1) * t * vocab > LOGITS_BUDGET) {
                    break;
                }
                longest = t;
                batch++;
            }
            sums = sums.plus(evaluateBatch(sequences.subList(i, i + batch), longest, vocab, splice, ablate));
            i += batch;
        }
        return SplicedMetrics.from(sums, sequences.size());
    }

    private NextTokenLoss.Sums evaluateBatch(
            List<int[]> seqs, int width, int vocab, Intervention splice, Intervention ablate) {
        int b = seqs.size();
        int[][] inputs = new int[b][width];
        int[] targets = new int[b * width];
        java.util.Arrays.fill(targets, NextTokenLoss.IGNORE);
        for (int s = 0; s < b; s++) {
            int[] seq = seqs.get(s);
            if (seq.length < 2 || seq.length - 1 > maxSequenceLength()) {
                throw new IllegalArgumentException(
                        "sequence " + s + " has " + seq.length + " tokens; need 2.." + (maxSequenceLength() + 1));
            }
            // inputs t_0..t_{L-2} predict targets t_1..t_{L-1}; the rest is padding (token 0, ignored).
            System.arraycopy(seq, 0, inputs[s], 0, seq.length - 1);
            System.arraycopy(seq, 1, targets, s * width, seq.length - 1);
        }
        float[] clean = logits(inputs, Map.of());
        float[] spliced = logits(inputs, Map.of(hook, splice));
        float[] zero = logits(inputs, Map.of(hook, ablate));
        return NextTokenLoss.accumulate(clean, spliced, zero, targets, vocab);
    }

    private float[] logits(int[][] inputs, Map<HookPoint, Intervention> interventions) {
        ForwardResult r = gpt.forward(inputs, new ForwardOptions(Set.of(), interventions, true));
        return r.logits();
    }
}

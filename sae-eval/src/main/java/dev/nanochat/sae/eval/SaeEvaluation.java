package dev.nanochat.sae.eval;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of an SAE on a held-out set: reconstruction and sparsity metrics from the engine
 * ({@link SaeMetrics}, names as in sae.md) plus, when a model is given, the spliced next-token loss.
 * This is the single implementation behind both the evaluator service and {@code sae eval}.
 *
 * <p>Design: the result is a flat name → value map so it can be stored as JSON and plotted by name;
 * the spliced part is bounded by a token budget because it costs three model forwards per sequence.
 */
public final class SaeEvaluation {
    private SaeEvaluation() {}

    /**
     * @param spliced      model + hook for ce_* / kl_* metrics, or null to skip them
     * @param maxCeTokens  upper bound on predicted tokens used for the spliced loss
     */
    public static Map<String, Object> evaluate(
            Sae sae, HeldOutSet heldOut, SplicedEvaluation spliced, int maxCeTokens) {
        if (heldOut.rows() == 0) {
            throw new IllegalArgumentException("held-out set is empty");
        }
        if (sae.config().dIn() != heldOut.dIn()) {
            throw new IllegalArgumentException(
                    "SAE d_in " + sae.config().dIn() + " does not match held-out activations d_in " + heldOut.dIn());
        }
        Map<String, Object> metrics = new LinkedHashMap<>(
                SaeMetrics.evaluate(sae, heldOut.activations(), heldOut.rows()).toMap());
        // "tokens" would read as tokens trained in a run's evaluation list; name it for what it is.
        metrics.remove("tokens");
        metrics.put("eval_tokens", heldOut.rows());
        if (spliced != null) {
            List<int[]> sequences = budget(heldOut.sequences(spliced.maxSequenceLength() + 1), maxCeTokens);
            metrics.putAll(spliced.evaluate(sae, sequences).toMap());
        }
        return metrics;
    }

    /** The first sequences whose predicted tokens fit the budget (always at least one if any exist). */
    static List<int[]> budget(List<int[]> sequences, int maxPredicted) {
        List<int[]> out = new ArrayList<>();
        long used = 0;
        for (int[] s : sequences) {
            if (!out.isEmpty() && used + s.length - 1 > maxPredicted) {
                break;
            }
            out.add(s);
            used += s.length - 1;
        }
        return out;
    }
}

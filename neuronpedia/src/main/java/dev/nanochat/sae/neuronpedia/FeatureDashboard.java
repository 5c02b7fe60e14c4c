package dev.nanochat.sae.neuronpedia;

import java.util.List;

/**
 * What a dashboard shows for one latent, in Neuronpedia's vocabulary: density ({@code frac_nonzero}),
 * top/bottom logit-lens tokens of W_dec[i]·W_U, the activation and logit histograms (heights and bar
 * centres), nearest decoder neighbours, example windows, and any explanations.
 *
 * <p>Design: this is the hand-over point between the feature analysis (sae-features) and every format
 * written here; it carries plain arrays so the rows, batches and API payloads are pure functions of it.
 * A feature without examples is dead: it is listed in skipped_indexes.json and never uploaded.
 */
public record FeatureDashboard(
        int index,
        double fracNonzero,
        double maxActApprox,
        List<String> posStr,
        double[] posValues,
        List<String> negStr,
        double[] negValues,
        double[] freqHistHeights,
        double[] freqHistValues,
        double[] logitsHistHeights,
        double[] logitsHistValues,
        int[] topkCosSimIndices,
        double[] topkCosSimValues,
        List<ActivationExample> activations,
        List<String> explanations) {

    public FeatureDashboard {
        NeuronpediaIds.index(index);
        if (!(fracNonzero >= 0 && fracNonzero <= 1))
            throw new IllegalArgumentException(
                    "feature " + index + ": frac_nonzero must be in [0, 1], got " + fracNonzero);
        posStr = List.copyOf(posStr);
        negStr = List.copyOf(negStr);
        same(index, "pos_str/pos_values", posStr.size(), posValues.length);
        same(index, "neg_str/neg_values", negStr.size(), negValues.length);
        same(index, "freq_hist heights/values", freqHistHeights.length, freqHistValues.length);
        same(index, "logits_hist heights/values", logitsHistHeights.length, logitsHistValues.length);
        same(index, "topkCosSim indices/values", topkCosSimIndices.length, topkCosSimValues.length);
        activations = List.copyOf(activations);
        explanations = explanations == null ? List.of() : List.copyOf(explanations);
    }

    private static void same(int index, String what, int a, int b) {
        if (a != b)
            throw new IllegalArgumentException("feature " + index + ": " + what + " lengths differ: " + a + " vs " + b);
    }

    /** Never fired on the analysed tokens: nothing to show, nothing Neuronpedia would accept. */
    public boolean isDead() {
        return activations.isEmpty() || fracNonzero == 0;
    }
}

package dev.nanochat.sae.neuronpedia;

import java.util.List;

/**
 * One example text window of a feature: its tokens (as strings), the feature's activation on each, and
 * the group it was drawn from. The top-activations group has {@code binMin = -1, binContains = -1};
 * an interval (quantile) group carries its bounds and the fraction of all activations it holds.
 * {@code qualifyingTokenIndex} is the token that put the window into its group (usually the argmax).
 */
public record ActivationExample(
        List<String> tokens,
        double[] values,
        double binMin,
        double binMax,
        double binContains,
        int qualifyingTokenIndex) {
    public static final double TOP_GROUP = -1;

    public ActivationExample {
        tokens = List.copyOf(tokens);
        values = values.clone();
        if (tokens.isEmpty() || tokens.size() != values.length)
            throw new IllegalArgumentException("activation example needs as many values as tokens (≥ 1), got "
                    + tokens.size() + " tokens and " + values.length + " values");
        if (qualifyingTokenIndex < 0 || qualifyingTokenIndex >= tokens.size())
            throw new IllegalArgumentException(
                    "qualifyingTokenIndex " + qualifyingTokenIndex + " outside 0.." + (tokens.size() - 1));
    }

    /** A top-activations example whose qualifying token is its argmax. */
    public static ActivationExample top(List<String> tokens, double[] values) {
        return new ActivationExample(tokens, values, TOP_GROUP, maxOf(values), TOP_GROUP, argmax(values));
    }

    public double maxValue() {
        return maxOf(values);
    }

    public double minValue() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) m = Math.min(m, v);
        return m;
    }

    public int maxValueTokenIndex() {
        return argmax(values);
    }

    static double maxOf(double[] v) {
        return v[argmax(v)];
    }

    /** First index of the maximum (Neuronpedia's maxValueTokenIndex). */
    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}

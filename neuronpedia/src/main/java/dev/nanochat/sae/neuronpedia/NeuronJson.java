package dev.nanochat.sae.neuronpedia;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Neuron row as Neuronpedia's read API serves it ({@code GET /api/feature/{model}/{source}/{index}}:
 * frac_nonzero, pos_/neg_ lists, histograms, topkCosSim*, activations[], explanations[]) → a
 * {@link FeatureDashboard}. viz-service serves the same shape, so a package can be built from viz's
 * dashboards, or from any Neuronpedia instance, without a second format.
 */
public final class NeuronJson {
    private NeuronJson() {}

    public static FeatureDashboard toDashboard(JsonNode n) {
        int index = n.path("index").asInt(-1);
        if (!n.path("index").isTextual() && !n.path("index").isIntegralNumber())
            throw new IllegalArgumentException("feature JSON has no index: " + abbreviate(n));
        List<ActivationExample> acts = new ArrayList<>();
        for (JsonNode a : n.path("activations")) {
            List<String> tokens = strings(a.path("tokens"));
            double[] values = doubles(a.path("values"));
            if (tokens.isEmpty() || tokens.size() != values.length) continue; // Neuronpedia cannot show it either
            int q = a.has("qualifyingTokenIndex")
                            && a.get("qualifyingTokenIndex").canConvertToInt()
                    ? a.get("qualifyingTokenIndex").asInt()
                    : a.path("maxValueTokenIndex").asInt(0);
            if (q < 0 || q >= tokens.size()) q = 0;
            acts.add(new ActivationExample(
                    tokens,
                    values,
                    a.path("binMin").asDouble(-1),
                    a.path("binMax").asDouble(0),
                    a.path("binContains").asDouble(-1),
                    q));
        }
        List<String> expl = new ArrayList<>();
        for (JsonNode e : n.path("explanations"))
            if (e.path("description").isTextual()) expl.add(e.get("description").asText());
        JsonNode cos = n.path("topkCosSimIndices");
        int[] cosIdx = new int[cos.size()];
        for (int i = 0; i < cosIdx.length; i++) cosIdx[i] = cos.get(i).asInt();
        double[] cosVal = doubles(n.path("topkCosSimValues"));
        if (cosVal.length != cosIdx.length) {
            cosIdx = new int[0];
            cosVal = new double[0];
        }
        double frac = n.path("frac_nonzero").asDouble(0);
        return new FeatureDashboard(
                index,
                Math.max(0, Math.min(1, frac)),
                n.path("maxActApprox").asDouble(0),
                strings(n.path("pos_str")),
                doubles(n.path("pos_values")),
                strings(n.path("neg_str")),
                doubles(n.path("neg_values")),
                doubles(n.path("freq_hist_data_bar_heights")),
                doubles(n.path("freq_hist_data_bar_values")),
                doubles(n.path("logits_hist_data_bar_heights")),
                doubles(n.path("logits_hist_data_bar_values")),
                cosIdx,
                cosVal,
                acts,
                expl);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}

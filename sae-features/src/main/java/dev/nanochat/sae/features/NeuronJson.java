package dev.nanochat.sae.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A {@link FeatureResult} as Neuronpedia's Neuron row (the JSON {@code GET /api/feature/...} returns),
 * field names exactly as Neuronpedia's: index is a string, the activation histogram is
 * freq_hist_data_bar_*, every activation row carries tokens/values/maxValue/maxValueTokenIndex/minValue
 * and its group's binMin/binMax/binContains. Extra fields Neuronpedia ignores: tokenIds and
 * qualifyingTokenIndex per activation (so values can be recomputed), nonzeroCount/tokenCount.
 */
public final class NeuronJson {
    private NeuronJson() {}

    public static ObjectNode of(ObjectMapper json, SaeSource source, FeatureResult r) {
        ObjectNode n = json.createObjectNode();
        n.put("modelId", source.modelId());
        n.put("layer", source.sourceId());
        n.put("index", Integer.toString(r.index()));
        n.put("hookName", source.hookName());
        n.put("maxActApprox", r.maxActivation());
        n.put("frac_nonzero", r.fracNonzero());
        n.put("nonzeroCount", r.nonzeroCount());
        n.put("tokenCount", r.tokenCount());
        tokens(n, "pos", r.logitLens().top());
        tokens(n, "neg", r.logitLens().bottom());
        hist(n, "freq_hist_data_bar", r.activationHistogram());
        hist(n, "logits_hist_data_bar", r.logitLens().histogram());
        ArrayNode ci = n.putArray("topkCosSimIndices");
        ArrayNode cv = n.putArray("topkCosSimValues");
        for (Neighbour nb : r.neighbours()) {
            ci.add(nb.index());
            cv.add(nb.cosine());
        }
        ArrayNode acts = n.putArray("activations");
        for (ExampleGroup g : r.groups()) {
            for (ExampleContext e : g.examples()) acts.add(activation(json, source, r.index(), g, e));
        }
        ArrayNode ex = n.putArray("explanations");
        for (Explanation e : r.explanations()) {
            ObjectNode o = ex.addObject();
            o.put("description", e.description());
            if (e.typeName() != null) o.put("typeName", e.typeName());
            if (e.explanationModelName() != null) o.put("explanationModelName", e.explanationModelName());
        }
        return n;
    }

    private static ObjectNode activation(ObjectMapper json, SaeSource s, int index, ExampleGroup g, ExampleContext e) {
        ObjectNode a = json.createObjectNode();
        a.put("modelId", s.modelId());
        a.put("layer", s.sourceId());
        a.put("index", Integer.toString(index));
        ArrayNode t = a.putArray("tokens");
        e.tokens().forEach(t::add);
        ArrayNode v = a.putArray("values");
        for (int i = 0; i < e.length(); i++) v.add(e.value(i));
        ArrayNode ids = a.putArray("tokenIds");
        for (int id : e.tokenIds()) ids.add(id);
        a.put("maxValue", e.maxValue());
        a.put("maxValueTokenIndex", e.maxValueTokenIndex());
        a.put("minValue", e.minValue());
        a.put("binMin", g.binMin());
        a.put("binMax", g.binMax());
        a.put("binContains", g.binContains());
        a.put("qualifyingTokenIndex", e.qualifyingTokenIndex());
        return a;
    }

    private static void tokens(ObjectNode n, String prefix, List<TokenValue> list) {
        ArrayNode s = n.putArray(prefix + "_str");
        ArrayNode v = n.putArray(prefix + "_values");
        for (TokenValue t : list) {
            s.add(t.token());
            v.add(t.value());
        }
    }

    private static void hist(ObjectNode n, String prefix, Histogram h) {
        ArrayNode heights = n.putArray(prefix + "_heights");
        for (double x : h.barHeights()) heights.add(x);
        ArrayNode values = n.putArray(prefix + "_values");
        for (double x : h.barValues()) values.add(x);
    }

    /** Short text for lists: up to 6 tokens before the top example's max and 2 after, whitespace visible. */
    public static String blurb(FeatureResult r) {
        ExampleGroup top = r.topGroup();
        if (top == null || top.examples().isEmpty()) return "";
        ExampleContext e = top.examples().get(0);
        int q = e.qualifyingTokenIndex();
        List<String> shown = TokenText.joinPartial(e.tokens());
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, q - 6); i <= Math.min(e.length() - 1, q + 2); i++) {
            String tok = TokenText.visible(shown.get(i));
            sb.append(i == q ? "[" + tok + "]" : tok);
        }
        return sb.length() > 200 ? sb.substring(0, 200) : sb.toString();
    }
}

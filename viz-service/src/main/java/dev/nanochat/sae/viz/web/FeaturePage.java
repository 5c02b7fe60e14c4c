package dev.nanochat.sae.viz.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.features.TokenText;
import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the feature page shows, built from the stored Neuron JSON: sections (top group, then intervals)
 * of examples whose tokens carry their value and a shade (value / the feature's max), logit lists,
 * neighbours, explanations, and the histograms as chart-ready JSON.
 */
@TemplateData
public record FeaturePage(
        long saeId,
        String modelId,
        String sourceId,
        int index,
        int dSae,
        String frac,
        String max,
        List<Section> sections,
        List<Logit> pos,
        List<Logit> neg,
        List<Near> neighbours,
        List<String> explanations,
        String actHistJson,
        String logitHistJson,
        boolean dead) {

    @TemplateData
    public record Tok(String text, String value, String alpha, boolean qualifying) {}

    @TemplateData
    /** One context; {@code value} is the activation at the token it was chosen for (outlined). */
    public record Example(List<Tok> tokens, String value) {}

    @TemplateData
    public record Section(String title, String subtitle, List<Example> examples) {}

    @TemplateData
    public record Logit(String token, String value) {}

    @TemplateData
    public record Near(int index, String cosine) {}

    public int prev() {
        return index == 0 ? dSae - 1 : index - 1;
    }

    public int next() {
        return index + 1 == dSae ? 0 : index + 1;
    }

    static FeaturePage of(long saeId, int dSae, JsonNode n) {
        double max = n.path("maxActApprox").asDouble();
        Map<String, List<Example>> groups = new LinkedHashMap<>();
        Map<String, String> subtitles = new LinkedHashMap<>();
        for (JsonNode a : n.path("activations")) {
            boolean top = a.path("binMin").asDouble() == -1;
            String title = top
                    ? "Top activations"
                    : String.format(
                            Locale.ROOT,
                            "Interval %.3f – %.3f",
                            a.path("binMin").asDouble(),
                            a.path("binMax").asDouble());
            if (!top)
                subtitles.put(
                        title,
                        String.format(
                                Locale.ROOT,
                                "contains %.2f%% of nonzero activations",
                                100 * a.path("binContains").asDouble()));
            List<Tok> toks = new ArrayList<>();
            int q = a.path("qualifyingTokenIndex")
                    .asInt(a.path("maxValueTokenIndex").asInt());
            JsonNode t = a.path("tokens"), v = a.path("values");
            List<String> raw = new ArrayList<>();
            t.forEach(x -> raw.add(x.asText()));
            List<String> shown = TokenText.joinPartial(raw); // a character split over tokens is drawn once
            for (int i = 0; i < t.size(); i++) {
                double x = v.get(i).asDouble();
                toks.add(new Tok(
                        TokenText.visible(shown.get(i)),
                        fmt(x),
                        String.format(Locale.ROOT, "%.3f", max > 0 ? Math.max(0, Math.min(1, x / max)) : 0),
                        i == q));
            }
            double qv = q >= 0 && q < v.size()
                    ? v.get(q).asDouble()
                    : a.path("maxValue").asDouble();
            groups.computeIfAbsent(title, k -> new ArrayList<>()).add(new Example(toks, fmt(qv)));
        }
        List<Section> sections = new ArrayList<>();
        groups.forEach((k, v) -> sections.add(new Section(k, subtitles.getOrDefault(k, ""), v)));
        List<Near> near = new ArrayList<>();
        for (int i = 0; i < n.path("topkCosSimIndices").size(); i++) {
            near.add(new Near(
                    n.path("topkCosSimIndices").get(i).asInt(),
                    fmt(n.path("topkCosSimValues").get(i).asDouble())));
        }
        List<String> expl = new ArrayList<>();
        n.path("explanations").forEach(e -> expl.add(e.path("description").asText()));
        return new FeaturePage(
                saeId,
                n.path("modelId").asText(),
                n.path("layer").asText(),
                n.path("index").asInt(),
                dSae,
                String.format(Locale.ROOT, "%.4g", n.path("frac_nonzero").asDouble()),
                fmt(max),
                sections,
                logits(n, "pos"),
                logits(n, "neg"),
                near,
                expl,
                hist(n, "freq_hist_data_bar"),
                hist(n, "logits_hist_data_bar"),
                n.path("activations").isEmpty());
    }

    private static List<Logit> logits(JsonNode n, String prefix) {
        List<Logit> out = new ArrayList<>();
        JsonNode s = n.path(prefix + "_str"), v = n.path(prefix + "_values");
        for (int i = 0; i < s.size(); i++)
            out.add(new Logit(TokenText.visible(s.get(i).asText()), fmt(v.get(i).asDouble())));
        return out;
    }

    private static String hist(JsonNode n, String prefix) {
        return "{\"heights\":" + n.path(prefix + "_heights") + ",\"values\":" + n.path(prefix + "_values") + "}";
    }

    static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3f", x);
    }
}

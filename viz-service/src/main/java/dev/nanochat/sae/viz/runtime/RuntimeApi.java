package dev.nanochat.sae.viz.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.runtime.FeatureEdit;
import dev.nanochat.sae.runtime.FeatureSearch;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.runtime.SteerComparison;
import dev.nanochat.sae.runtime.SteerMethod;
import dev.nanochat.sae.support.problem.ProblemException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Neuronpedia's read-API shapes (activation/new, search-all, steer) over {@link SaeRuntime}: request
 * parsing with limits, and response bodies. Plain Java so the shapes are testable without HTTP.
 *
 * <p>Design: requests are read as JSON trees, not bound to classes, so every missing or bad field is a
 * 400 whose detail and {@code field} name it (Neuronpedia's own API answers opaque 500s for many of
 * these). Texts are {@code <|bos|>} + their tokens, as Neuronpedia's models prepend BOS; tokens are
 * returned as their decoded strings, BOS included. Steering extends Neuronpedia's feature objects with
 * an optional {@code method}: ADDITIVE (default; x + strength·multiplier·W_dec[i]), CLAMP (f_i set to
 * strength) or ABLATE.
 */
public final class RuntimeApi {
    public static final int MAX_TEXT_CHARS = 4000;
    public static final int MAX_N_TOKENS = 256;
    public static final int MAX_FEATURES = 16;
    public static final int MAX_RESULTS = 100;
    public static final int MAX_LOGPROBS = 10;

    private final SaeRuntime rt;
    private final SaeSources sources;

    public RuntimeApi(SaeRuntime rt, SaeSources sources) {
        this.rt = rt;
        this.sources = sources;
    }

    public SaeSources sources() {
        return sources;
    }

    /** {@code {feature: {modelId, source, index}, customText}} → {tokens, values, maxValue, maxValueTokenIndex}. */
    public Map<String, Object> activation(JsonNode body) {
        JsonNode f = required(body, "feature");
        SaeSources.Source src =
                source(text(f, "modelId", "feature.modelId"), text(f, "source", "feature.source"), "feature.source");
        int index = index(f, "index", "feature.index", src);
        int[] ids = tokens(text(body, "customText", "customText"), "customText", 0);
        FeatureSearch.Hit hit = new FeatureSearch(rt).activation(ids, src.sae(), index);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", strings(ids));
        out.put("values", hit.values());
        out.put("maxValue", hit.maxValue());
        out.put("maxValueTokenIndex", hit.maxValueIndex());
        return out;
    }

    /** {@code {modelId, sourceSet, text, selectedLayers, sortIndexes, ignoreBos, densityThreshold, numResults}}. */
    public Map<String, Object> searchAll(JsonNode body) {
        String modelId = text(body, "modelId", "modelId");
        String set = body.path("sourceSet").asText("");
        List<SaeSources.Source> chosen = new ArrayList<>();
        JsonNode layers = body.path("selectedLayers");
        if (layers.isArray() && !layers.isEmpty()) {
            for (int i = 0; i < layers.size(); i++)
                chosen.add(source(modelId, layers.get(i).asText(), "selectedLayers[" + i + "]"));
        } else {
            for (SaeSources.Source s : sources.all())
                if (s.modelId().equals(modelId) && (set.isEmpty() || s.set().equals(set))) chosen.add(s);
            if (chosen.isEmpty())
                throw ProblemException.badRequest(
                        "sourceSet",
                        "no SAE of model '" + modelId + "' in source set '" + set + "' (known: " + known() + ")");
        }
        // Neuronpedia's densityThreshold: features firing on more than this fraction of tokens are left out
        // (-1 or absent: none). Densities are the dashboards' (registry) or the folder's sparsity.safetensors.
        double threshold = body.path("densityThreshold").isMissingNode()
                        || body.path("densityThreshold").isNull()
                ? -1
                : body.path("densityThreshold").asDouble(Double.NaN);
        if (threshold != -1 && !(threshold > 0 && threshold <= 1))
            throw ProblemException.badRequest("densityThreshold", "densityThreshold must be -1 (off) or in (0, 1]");
        java.util.Map<Integer, double[]> density = new java.util.HashMap<>();
        if (threshold != -1) {
            for (SaeSources.Source s : chosen) {
                density.put(
                        s.sae(),
                        sources.densities(s)
                                .orElseThrow(() -> ProblemException.badRequest(
                                        "densityThreshold",
                                        "feature densities of " + s.modelId() + "/" + s.source() + " are not known"
                                                + " (no dashboards, no sparsity.safetensors); send -1")));
            }
        }
        int numResults = intIn(body, "numResults", 20, 1, MAX_RESULTS);
        int[] ids = tokens(text(body, "text", "text"), "text", 0);
        JsonNode sort = body.path("sortIndexes");
        int[] sortIndexes = new int[sort.isArray() ? sort.size() : 0];
        for (int i = 0; i < sortIndexes.length; i++)
            sortIndexes[i] = sort.get(i).asInt();
        boolean ignoreBos = body.path("ignoreBos").asBoolean(true);
        List<FeatureSearch.Hit> hits;
        try {
            hits = new FeatureSearch(rt)
                    .searchAll(
                            ids,
                            chosen.stream().map(SaeSources.Source::sae).toList(),
                            numResults,
                            ignoreBos,
                            sortIndexes,
                            (sae, f) -> threshold == -1 || density.get(sae)[f] <= threshold);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("sortIndexes", e.getMessage());
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (FeatureSearch.Hit h : hits) {
            SaeSources.Source s = sources.all().get(h.sae());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("modelId", s.modelId());
            r.put("layer", s.source());
            r.put("index", h.feature());
            r.put("values", h.values());
            r.put("maxValue", h.maxValue());
            r.put("maxValueIndex", h.maxValueIndex());
            result.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", strings(ids));
        out.put("result", result);
        return out;
    }

    /**
     * Our extension for the playground: {@code {text, sources?: [modelId/source], top?}} → the top features
     * of every token at each SAE ({@code positions[t]} = [{modelId, source, index, value}], value descending).
     */
    public Map<String, Object> track(JsonNode body) {
        int top = intIn(body, "top", 5, 1, 32);
        List<SaeSources.Source> chosen = new ArrayList<>();
        JsonNode names = body.path("sources");
        if (names.isArray() && !names.isEmpty()) {
            for (int i = 0; i < names.size(); i++) {
                String id = names.get(i).asText();
                int slash = id.indexOf('/');
                if (slash < 0)
                    throw ProblemException.badRequest(
                            "sources[" + i + "]", "sources[" + i + "] must be modelId/source, got '" + id + "'");
                chosen.add(source(id.substring(0, slash), id.substring(slash + 1), "sources[" + i + "]"));
            }
        } else {
            chosen.addAll(sources.all());
        }
        int[] ids = tokens(text(body, "text", "text"), "text", 0);
        java.util.Set<Integer> saes = new java.util.TreeSet<>();
        chosen.forEach(c -> saes.add(c.sae()));
        var run = rt.forward(
                ids, dev.nanochat.sae.runtime.TrackSpec.topN(top, saes), List.of(), java.util.Set.of(), false);
        List<List<Map<String, Object>>> positions = new ArrayList<>();
        for (int t = 0; t < ids.length; t++) {
            List<Map<String, Object>> at = new ArrayList<>();
            for (int s : saes) {
                SaeSources.Source src = sources.all().get(s);
                var p = run.trace(s).position(t);
                for (int k = 0; k < p.indices().length; k++) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("modelId", src.modelId());
                    f.put("source", src.source());
                    f.put("index", p.indices()[k]);
                    f.put("value", p.values()[k]);
                    at.add(f);
                }
            }
            at.sort((a, b) -> Float.compare((Float) b.get("value"), (Float) a.get("value")));
            positions.add(at.size() > top ? new ArrayList<>(at.subList(0, top)) : at);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", strings(ids));
        out.put("positions", positions);
        return out;
    }

    /** A validated steer request. */
    public record SteerPlan(
            int[] prompt,
            String promptText,
            SamplingOptions options,
            List<FeatureEdit> edits,
            int logprobs,
            boolean stream) {}

    public SteerPlan steerPlan(JsonNode body) {
        String prompt = text(body, "prompt", "prompt");
        String modelId = text(body, "modelId", "modelId");
        int nTokens = intIn(body, "n_tokens", 32, 1, MAX_N_TOKENS);
        double temperature = numberIn(body, "temperature", 0.5, 0, 2);
        double multiplier = numberIn(body, "strength_multiplier", 1, 0, 10);
        long seed = body.path("seed").asLong(16);
        // TransformerLens' frequency penalty (Neuronpedia passes it through): logits/T − p · count when sampling.
        double freqPenalty = numberIn(body, "freq_penalty", 0, -2, 2);
        String method = body.path("steer_method").asText("SIMPLE_ADDITIVE");
        if (!method.equals("SIMPLE_ADDITIVE")) {
            throw ProblemException.badRequest(
                    "steer_method", "steer_method " + method + " is not supported; use SIMPLE_ADDITIVE");
        }
        JsonNode features = body.path("features");
        if (!features.isArray() || features.isEmpty() || features.size() > MAX_FEATURES) {
            throw ProblemException.badRequest(
                    "features", "features must be an array of 1.." + MAX_FEATURES + " features");
        }
        List<FeatureEdit> edits = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            JsonNode f = features.get(i);
            String at = "features[" + i + "]";
            String fModel = f.path("modelId").asText(modelId);
            SaeSources.Source src = source(fModel, text(f, "layer", at + ".layer"), at + ".layer");
            int index = index(f, "index", at + ".index", src);
            if (!f.path("strength").isNumber())
                throw ProblemException.badRequest(at + ".strength", at + ".strength must be a number");
            float strength = (float) f.get("strength").asDouble();
            SteerMethod m;
            try {
                m = SteerMethod.valueOf(f.path("method").asText("ADDITIVE").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest(at + ".method", at + ".method must be ADDITIVE, CLAMP or ABLATE");
            }
            float value = m == SteerMethod.ADDITIVE ? (float) (strength * multiplier) : strength;
            edits.add(new FeatureEdit(src.sae(), index, m, value));
        }
        int logprobs = intIn(body, "n_logprobs", 0, 0, MAX_LOGPROBS);
        int[] ids = tokens(prompt, "prompt", nTokens);
        SamplingOptions opts = new SamplingOptions(
                nTokens, (float) temperature, 0, seed, SamplingOptions.nanochatStops(rt.tokenizer()), (float)
                        freqPenalty);
        return new SteerPlan(
                ids, prompt, opts, edits, logprobs, body.path("stream").asBoolean(false));
    }

    public SteerComparison.Result steer(SteerPlan plan, SteerComparison.Listener listener) {
        return new SteerComparison(rt).run(plan.prompt(), plan.options(), plan.edits(), plan.logprobs(), listener);
    }

    /** {STEERED, DEFAULT} as prompt + continuation, plus log-probabilities when asked. */
    public Map<String, Object> steerBody(SteerPlan plan, SteerComparison.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("STEERED", plan.promptText() + rt.tokenizer().decode(r.steered().tokens()));
        out.put(
                "DEFAULT",
                plan.promptText() + rt.tokenizer().decode(r.defaults().tokens()));
        if (plan.logprobs() > 0) {
            out.put("steeredLogProbs", logprobs(r.steered()));
            out.put("defaultLogProbs", logprobs(r.defaults()));
        }
        return out;
    }

    /** The partial body while streaming: the texts generated so far. */
    public Map<String, Object> partial(SteerPlan plan, List<Integer> defaults, List<Integer> steered) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("STEERED", plan.promptText() + decode(steered));
        out.put("DEFAULT", plan.promptText() + decode(defaults));
        return out;
    }

    private String decode(List<Integer> ids) {
        return rt.tokenizer().decode(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    private List<Map<String, Object>> logprobs(SteerComparison.Completion c) {
        Tokenizer tok = rt.tokenizer();
        List<Map<String, Object>> out = new ArrayList<>();
        for (SteerComparison.TokenLogProb lp : c.logprobs()) {
            List<Map<String, Object>> top = new ArrayList<>();
            for (int k = 0; k < lp.topTokens().length; k++) {
                top.add(Map.of("token", tok.decode(new int[] {lp.topTokens()[k]}), "logprob", lp.topLogprobs()[k]));
            }
            out.add(Map.of("token", tok.decode(new int[] {lp.token()}), "logprob", lp.logprob(), "topLogprobs", top));
        }
        return out;
    }

    /** Decoded string of each token. */
    public List<String> strings(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(rt.tokenizer().decode(new int[] {id}));
        return out;
    }

    /** {@code <|bos|>} + tokens of text, refusing texts that do not fit the model's context with {@code reserve} new tokens. */
    private int[] tokens(String text, String field, int reserve) {
        if (text.isEmpty()) throw ProblemException.badRequest(field, field + " is empty");
        if (text.length() > MAX_TEXT_CHARS)
            throw ProblemException.badRequest(
                    field, field + " has " + text.length() + " characters; the limit is " + MAX_TEXT_CHARS);
        int[] ids = rt.encodeWithBos(text);
        int context = rt.gpt().config().sequenceLen();
        if (ids.length + reserve > context) {
            throw ProblemException.badRequest(
                    field,
                    field + " is " + ids.length + " tokens (with <|bos|>)"
                            + (reserve > 0 ? " + " + reserve + " to generate" : "") + "; the model's context is "
                            + context);
        }
        return ids;
    }

    private SaeSources.Source source(String modelId, String source, String field) {
        return sources.find(modelId, source)
                .orElseThrow(() -> ProblemException.badRequest(
                        field, "no SAE '" + modelId + "/" + source + "' is loaded (known: " + known() + ")"));
    }

    private String known() {
        return String.join(
                ", ",
                sources.all().stream().map(s -> s.modelId() + "/" + s.source()).toList());
    }

    private static int index(JsonNode node, String name, String field, SaeSources.Source src) {
        JsonNode v = node.path(name);
        // Neuronpedia sends indexes as numbers or as strings.
        int i;
        if (v.isIntegralNumber()) i = v.asInt();
        else if (v.isTextual() && v.asText().matches("\\d{1,9}")) i = Integer.parseInt(v.asText());
        else
            throw ProblemException.badRequest(
                    field, field + " must be a feature index, got " + (v.isMissingNode() ? "nothing" : v.toString()));
        if (i < 0 || i >= src.dSae())
            throw ProblemException.badRequest(
                    field,
                    field + " " + i + " is out of range for " + src.modelId() + "/" + src.source() + " (0.."
                            + (src.dSae() - 1) + ")");
        return i;
    }

    private static JsonNode required(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || v.isNull()) throw ProblemException.badRequest(field, field + " is required");
        return v;
    }

    private static String text(JsonNode body, String name, String field) {
        JsonNode v = required(body, name);
        if (!v.isTextual()) throw ProblemException.badRequest(field, field + " must be a string");
        return v.asText();
    }

    private static int intIn(JsonNode body, String name, int dflt, int min, int max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw ProblemException.badRequest(name, name + " must be an integer in " + min + ".." + max + ", got " + v);
        }
        return v.asInt();
    }

    private static double numberIn(JsonNode body, String name, double dflt, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ProblemException.badRequest(name, name + " must be a number in " + min + ".." + max + ", got " + v);
        }
        return v.asDouble();
    }
}

package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.neuronpedia.InvalidIdException;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a write API body against the documented limits (neuronpedia.md) and returns every problem
 * found, each with its JSON path, so a dry run reports all of them at once. The same checks guard
 * every real send. {@code maxBytes} is the request body cap (the hosted site's is near 4.5 MB).
 */
public final class PayloadValidator {
    private PayloadValidator() {}

    public static List<String> modelNew(JsonNode b, int bytes, int maxBytes) {
        List<String> p = common(b, bytes, maxBytes);
        id(p, "id", () -> NeuronpediaIds.modelId(b.path("id").asText(null)));
        intIn(p, b, "layers", 1, 127);
        if (b.has("displayName") && b.get("displayName").asText().length() > 64)
            p.add("displayName: longer than 64 characters");
        url(p, b, "url");
        return p;
    }

    public static List<String> sourceSetNew(JsonNode b, int bytes, int maxBytes) {
        List<String> p = common(b, bytes, maxBytes);
        id(p, "name", () -> NeuronpediaIds.sourceSetName(b.path("name").asText(null)));
        id(p, "modelId", () -> NeuronpediaIds.modelId(b.path("modelId").asText(null)));
        if (b.has("description") && b.get("description").asText().length() > 128)
            p.add("description: longer than 128 characters");
        url(p, b, "url");
        return p;
    }

    public static List<String> featureBatch(JsonNode b, int bytes, int maxBytes) {
        List<String> p = common(b, bytes, maxBytes);
        source(p, b);
        JsonNode fs = b.path("features");
        if (!fs.isArray() || fs.isEmpty() || fs.size() > 128)
            p.add("features: must hold 1..128 features, has " + fs.size());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < fs.size(); i++) {
            JsonNode f = fs.get(i);
            String at = "features[" + i + "]";
            intIn(p, f, "index", 0, NeuronpediaIds.MAX_INDEX, at);
            if (!seen.add(f.path("index").asInt()))
                p.add(at + ".index: duplicate index " + f.path("index").asInt() + " in one batch");
            if (f.has("density")
                    && !(f.get("density").isNumber()
                            && f.get("density").asDouble() >= 0
                            && f.get("density").asDouble() <= 1)) p.add(at + ".density: must be a number in 0..1");
            for (String k : List.of("topLogits", "bottomLogits")) {
                JsonNode l = f.path(k);
                if (l.isMissingNode()) continue;
                if (!l.isArray() || l.size() > 20) p.add(at + "." + k + ": at most 20 entries");
                for (int j = 0; j < l.size(); j++) {
                    if (!l.get(j).path("token").isTextual()
                            || l.get(j).get("token").asText().isEmpty())
                        p.add(at + "." + k + "[" + j + "].token: must be a non-empty string");
                    finite(p, l.get(j).path("value"), at + "." + k + "[" + j + "].value");
                }
            }
            JsonNode ex = f.path("explanations");
            for (int j = 0; j < ex.size(); j++) {
                int len = ex.get(j).path("text").asText("").length();
                if (len < 1 || len > 512)
                    p.add(at + ".explanations[" + j + "].text: must be 1..512 characters, has " + len);
                if (ex.get(j).has("modelName"))
                    p.add(at + ".explanations[" + j + "].modelName: makes upload-batch fail with 500; omit it");
            }
            JsonNode acts = f.path("activations");
            if (!acts.isArray() || acts.isEmpty())
                p.add(at + ".activations: at least one activation is required (dead features are skipped)");
            activations(p, acts, at);
        }
        return p;
    }

    public static List<String> activationBatch(JsonNode b, int bytes, int maxBytes) {
        List<String> p = common(b, bytes, maxBytes);
        source(p, b);
        if (!b.path("index").isTextual()) p.add("index: must be a string");
        if (!b.path("activations").isArray() || b.path("activations").isEmpty())
            p.add("activations: at least one is required");
        activations(p, b.path("activations"), "");
        return p;
    }

    private static void activations(List<String> p, JsonNode acts, String at) {
        for (int j = 0; j < acts.size(); j++) {
            JsonNode a = acts.get(j);
            String w = (at.isEmpty() ? "" : at + ".") + "activations[" + j + "]";
            JsonNode t = a.path("tokens"), v = a.path("values");
            if (!t.isArray() || t.isEmpty() || t.size() > UploadPayloads.MAX_TOKENS)
                p.add(w + ".tokens: must hold 1..1024 tokens");
            if (!v.isArray() || v.size() != t.size())
                p.add(w + ".values: must have as many entries as tokens (" + t.size() + "), has " + v.size());
            for (int k = 0; k < t.size(); k++)
                if (!t.get(k).isTextual() || t.get(k).asText().isEmpty())
                    p.add(w + ".tokens[" + k + "]: must be a non-empty string");
            for (int k = 0; k < v.size(); k++)
                if (!v.get(k).isNumber() || !Double.isFinite(v.get(k).asDouble()))
                    p.add(w + ".values[" + k + "]: must be a finite number");
        }
    }

    private static List<String> common(JsonNode b, int bytes, int maxBytes) {
        List<String> p = new ArrayList<>();
        if (bytes > maxBytes) p.add("body: " + bytes + " bytes exceeds the " + maxBytes + "-byte limit (413)");
        nulls(p, b, "");
        return p;
    }

    /** yup rejects a null optional field with 400: no null may appear anywhere. */
    private static void nulls(List<String> p, JsonNode n, String path) {
        if (n.isNull()) {
            p.add((path.isEmpty() ? "body" : path) + ": null (omit optional fields instead)");
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isContainerNode() || e.getValue().isNull())
                    nulls(p, e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            }
        } else if (n.isArray()) {
            // paths are built only for containers and nulls: a batch holds ~10^5 leaf numbers
            for (int i = 0; i < n.size(); i++)
                if (n.get(i).isContainerNode() || n.get(i).isNull()) nulls(p, n.get(i), path + "[" + i + "]");
        }
    }

    private static void source(List<String> p, JsonNode b) {
        id(p, "modelId", () -> NeuronpediaIds.modelId(b.path("modelId").asText(null)));
        id(p, "source", () -> NeuronpediaIds.layerOf(b.path("source").asText(null)));
    }

    private static void id(List<String> p, String field, Runnable check) {
        try {
            check.run();
        } catch (InvalidIdException e) {
            p.add(field + ": " + e.getMessage());
        }
    }

    private static void intIn(List<String> p, JsonNode b, String f, long lo, long hi) {
        intIn(p, b, f, lo, hi, "");
    }

    private static void intIn(List<String> p, JsonNode b, String f, long lo, long hi, String at) {
        JsonNode n = b.path(f);
        String w = at.isEmpty() ? f : at + "." + f;
        if (!n.isIntegralNumber() || n.asLong() < lo || n.asLong() > hi)
            p.add(w + ": must be an integer in " + lo + ".." + hi + ", got " + n);
    }

    private static void finite(List<String> p, JsonNode v, String w) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) p.add(w + ": must be a finite number");
    }

    /** Neuronpedia rejects url fields without a dotted host (http://localhost:3000). */
    private static void url(List<String> p, JsonNode b, String f) {
        if (!b.has(f)) return;
        try {
            String host = URI.create(b.get(f).asText()).getHost();
            if (host == null || !host.contains("."))
                p.add(f + ": needs a dotted host, got '" + b.get(f).asText() + "'");
        } catch (IllegalArgumentException e) {
            p.add(f + ": not a URL: " + e.getMessage());
        }
    }
}

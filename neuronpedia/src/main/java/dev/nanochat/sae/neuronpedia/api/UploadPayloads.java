package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.ActivationExample;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import java.util.List;

/**
 * Request bodies of the write API, built so its yup validation accepts them: optional fields are
 * omitted (never null), empty token strings become U+FFFD (what a partial UTF-8 token decodes to; ""
 * is rejected), logits are capped at 20, explanation texts at 512 characters and never carry
 * {@code modelName} (a non-null one makes upload-batch fail with 500).
 */
public final class UploadPayloads {
    public static final int MAX_LOGITS = 20;
    public static final int MAX_EXPLANATION = 512;
    public static final int MAX_TOKENS = 1024;
    static final String EMPTY_TOKEN = "\uFFFD";

    private UploadPayloads() {}

    public static ObjectNode modelNew(String modelId, int layers, String displayNameOrNull) {
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        o.put("id", NeuronpediaIds.modelId(modelId)).put("layers", layers);
        if (displayNameOrNull != null && !displayNameOrNull.isBlank()) o.put("displayName", displayNameOrNull);
        return o;
    }

    public static ObjectNode sourceSetNew(String modelId, String name, String descriptionOrNull) {
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        o.put("name", NeuronpediaIds.sourceSetName(name)).put("modelId", NeuronpediaIds.modelId(modelId));
        if (descriptionOrNull != null && !descriptionOrNull.isBlank()) o.put("description", descriptionOrNull);
        return o;
    }

    /** One feature of upload-batch with at most {@code maxActivations} of its examples (top group first). */
    public static ObjectNode feature(FeatureDashboard f, int maxActivations) {
        if (f.isDead())
            throw new IllegalArgumentException(
                    "feature " + f.index() + " is dead: Neuronpedia needs at least one activation");
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        o.put("index", f.index()).put("density", f.fracNonzero());
        if (!f.posStr().isEmpty()) logits(o.putArray("topLogits"), f.posStr(), f.posValues());
        if (!f.negStr().isEmpty()) logits(o.putArray("bottomLogits"), f.negStr(), f.negValues());
        List<String> texts = f.explanations().stream().filter(t -> !t.isBlank()).toList();
        if (!texts.isEmpty()) {
            ArrayNode ex = o.putArray("explanations");
            for (String t : texts)
                ex.addObject().put("text", t.length() > MAX_EXPLANATION ? t.substring(0, MAX_EXPLANATION) : t);
        }
        activations(
                o.putArray("activations"),
                f.activations()
                        .subList(0, Math.min(maxActivations, f.activations().size())));
        return o;
    }

    public static ObjectNode featureBatch(String modelId, String source, List<ObjectNode> features) {
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        o.put("modelId", modelId).put("source", source);
        o.putArray("features").addAll(features);
        return o;
    }

    public static ObjectNode activationBatch(String modelId, String source, int index, List<ActivationExample> acts) {
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        o.put("modelId", modelId).put("source", source).put("index", Integer.toString(index));
        activations(o.putArray("activations"), acts);
        return o;
    }

    private static void activations(ArrayNode out, List<ActivationExample> acts) {
        for (ActivationExample a : acts) {
            ObjectNode x = out.addObject();
            int n = Math.min(MAX_TOKENS, a.tokens().size());
            ArrayNode t = x.putArray("tokens");
            ArrayNode v = x.putArray("values");
            for (int i = 0; i < n; i++) {
                t.add(token(a.tokens().get(i)));
                v.add(a.values()[i]);
            }
        }
    }

    private static void logits(ArrayNode out, List<String> tokens, double[] values) {
        for (int i = 0; i < Math.min(MAX_LOGITS, tokens.size()); i++) {
            out.addObject().put("token", token(tokens.get(i))).put("value", values[i]);
        }
    }

    static String token(String t) {
        return t == null || t.isEmpty() ? EMPTY_TOKEN : t;
    }
}

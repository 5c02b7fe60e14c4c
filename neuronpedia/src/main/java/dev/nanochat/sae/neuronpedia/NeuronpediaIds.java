package dev.nanochat.sae.neuronpedia;

import java.util.regex.Pattern;

/**
 * Neuronpedia's id rules, checked before anything is written or sent.
 *
 * <p>Design: the rules are the webapp's (see neuronpedia.md): a model id is 2–32 characters of
 * {@code [a-z0-9.-]}, starting with a letter, ending with a letter or digit, with no {@code --} or
 * {@code ..}; a source set name is {@code [a-z0-9-]} with the same ends, no {@code --} and not the
 * reserved {@code neurons}; a source id is {@code {layer}-{setName}}. Every failure names the value and
 * the broken rule, so a user can fix it without reading Neuronpedia's source.
 */
public final class NeuronpediaIds {
    private static final Pattern MODEL_ID = Pattern.compile("^[a-z][a-z0-9.-]*[a-z0-9]$");
    private static final Pattern SET_NAME = Pattern.compile("^[a-z][a-z0-9-]*[a-z0-9]$");
    private static final Pattern SOURCE_ID = Pattern.compile("^(0|[1-9][0-9]*)-(.+)$");
    public static final int MAX_MODEL_ID = 32;
    public static final int MAX_INDEX = 10_000_000;

    private NeuronpediaIds() {}

    /** Returns the id unchanged or throws {@link InvalidIdException} naming the rule it breaks. */
    public static String modelId(String id) {
        if (id == null || id.isEmpty()) throw new InvalidIdException("model id is required");
        if (id.length() < 2 || id.length() > MAX_MODEL_ID)
            throw new InvalidIdException(
                    "model id '" + id + "' has " + id.length() + " characters; Neuronpedia allows 2–" + MAX_MODEL_ID);
        if (!MODEL_ID.matcher(id).matches())
            throw new InvalidIdException(
                    "model id '" + id + "' must be lowercase letters, digits, '.' and '-', start with a letter"
                            + " and end with a letter or digit (pattern " + MODEL_ID.pattern() + ")");
        if (id.contains("--") || id.contains(".."))
            throw new InvalidIdException("model id '" + id + "' must not contain '--' or '..'");
        return id;
    }

    public static String sourceSetName(String name) {
        if (name == null || name.isEmpty()) throw new InvalidIdException("source set name is required");
        if (!SET_NAME.matcher(name).matches())
            throw new InvalidIdException(
                    "source set name '" + name + "' must be lowercase letters, digits and '-', start with a letter"
                            + " and end with a letter or digit (pattern " + SET_NAME.pattern() + ")");
        if (name.contains("--")) throw new InvalidIdException("source set name '" + name + "' must not contain '--'");
        if (name.equals("neurons"))
            throw new InvalidIdException("source set name 'neurons' is reserved by Neuronpedia");
        return name;
    }

    /** {@code {layer}-{setName}}, e.g. {@code 1-res-topk-2k}. */
    public static String sourceId(int layer, String setName) {
        if (layer < 0) throw new InvalidIdException("layer must be ≥ 0, got " + layer);
        return layer + "-" + sourceSetName(setName);
    }

    /** Splits a source id into its layer and set name, validating both. */
    public static int layerOf(String sourceId) {
        var m = SOURCE_ID.matcher(sourceId == null ? "" : sourceId);
        if (!m.matches())
            throw new InvalidIdException("source id '" + sourceId + "' must be {layer}-{setName}, e.g. 1-res-topk");
        sourceSetName(m.group(2));
        return Integer.parseInt(m.group(1));
    }

    public static String setNameOf(String sourceId) {
        layerOf(sourceId);
        return sourceId.substring(sourceId.indexOf('-') + 1);
    }

    /** {@code {modelId}/{sourceId}/{index}}: how a feature is addressed. */
    public static String featureId(String modelId, String sourceId, int index) {
        return modelId(modelId) + "/" + sourceId + "/" + index(index);
    }

    /** {@code {modelId}/{sourceId}}: SAELens' metadata.neuronpedia_id. */
    public static String neuronpediaId(String modelId, String sourceId) {
        layerOf(sourceId);
        return modelId(modelId) + "/" + sourceId;
    }

    public static int index(int index) {
        if (index < 0 || index > MAX_INDEX)
            throw new InvalidIdException("feature index " + index + " is outside 0.." + MAX_INDEX);
        return index;
    }

    /** The layer number in a hook name such as {@code blocks.1.hook_resid_post}. */
    public static int layerOfHook(String hookName) {
        var m = Pattern.compile("^blocks\\.(\\d+)\\.").matcher(hookName == null ? "" : hookName);
        if (!m.find())
            throw new InvalidIdException("hook '" + hookName + "' names no layer (expected blocks.<layer>.hook_…)");
        return Integer.parseInt(m.group(1));
    }
}

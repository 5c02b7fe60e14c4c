package dev.nanochat.sae.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * cfg.json of a SAELens folder (schema in sae.md) ↔ {@link SaeConfig}.
 *
 * Our full training config rides along in {@code metadata.training_config} (SAELens keeps unknown metadata
 * keys), so a folder written here reloads with its exact recipe; a foreign folder gets a config derived
 * from d_in, d_sae, architecture and k.
 */
public final class SaeLensCfg {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The SAELens release whose cfg.json layout we write. SAELens ≥ 6 reads metadata.sae_lens_version and,
     * without it, takes its pre-6.0 path that drops model_name, hook_name, context_size, dataset_path and
     * training_config.
     */
    public static final String SAE_LENS_VERSION = "6.18.0";

    private SaeLensCfg() {}

    public static ObjectNode toJson(SaeConfig cfg, String saeLensArchitecture) {
        ObjectNode o = JSON.createObjectNode();
        o.put("d_in", cfg.dIn())
                .put("d_sae", cfg.dSae())
                .put("dtype", cfg.dtype())
                .put("device", "cpu")
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none")
                .put("architecture", saeLensArchitecture);
        if ("topk".equals(saeLensArchitecture)) o.put("k", cfg.k());
        ObjectNode meta = o.putObject("metadata");
        meta.put("model_name", cfg.modelName())
                .put("hook_name", cfg.hookPoint())
                .put("context_size", cfg.contextSize())
                .put("prepend_bos", true)
                .put("dataset_path", cfg.datasetPath())
                .putNull("neuronpedia_id");
        meta.put("sae_lens_version", SAE_LENS_VERSION).put("sae_lens_training_version", "nanochat-sae-0.1.0");
        meta.set("training_config", cfg.toJson());
        return o;
    }

    /** Maps a SAELens architecture to ours ("standard" → "relu"). */
    public static String trainingArchitecture(String saeLensArchitecture) {
        return switch (saeLensArchitecture) {
            case "standard" -> "relu";
            case "topk", "jumprelu", "gated" -> saeLensArchitecture;
            default -> throw new IllegalArgumentException("unknown SAELens architecture '" + saeLensArchitecture
                    + "' (known: standard, topk, jumprelu, gated)");
        };
    }

    /** Our config for a cfg.json: the embedded training config if present, else derived. */
    public static SaeConfig fromJson(JsonNode cfg) {
        String arch = requireText(cfg, "architecture");
        int dIn = requireInt(cfg, "d_in");
        int dSae = requireInt(cfg, "d_sae");
        JsonNode training = cfg.path("metadata").get("training_config");
        if (training != null && training.isObject()) {
            SaeConfig c = SaeConfig.fromJson(training);
            if (c.dIn() != dIn || c.dSae() != dSae)
                throw new IllegalArgumentException("cfg.json d_in/d_sae " + dIn + "/" + dSae
                        + " disagree with metadata.training_config " + c.dIn() + "/" + c.dSae());
            return c;
        }
        SaeConfigBuilder b =
                SaeConfig.builder(trainingArchitecture(arch), dIn).dSae(dSae).normalizeActivations(false);
        if ("topk".equals(arch)) b.k(requireInt(cfg, "k"));
        JsonNode meta = cfg.path("metadata");
        if (meta.path("model_name").isTextual())
            b.modelName(meta.get("model_name").asText());
        if (meta.path("hook_name").isTextual())
            b.hookPoint(meta.get("hook_name").asText());
        if (meta.path("context_size").canConvertToInt())
            b.contextSize(meta.get("context_size").asInt());
        return b.build();
    }

    private static String requireText(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (n == null || !n.isTextual())
            throw new IllegalArgumentException("cfg.json: '" + f + "' must be a string, got " + n);
        return n.asText();
    }

    private static int requireInt(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0)
            throw new IllegalArgumentException("cfg.json: '" + f + "' must be a positive integer, got " + n);
        return n.asInt();
    }
}

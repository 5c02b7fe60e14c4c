package dev.nanochat.sae.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Everything that defines an SAE and its training recipe; serialised with every checkpoint.
 *
 * Design: an immutable record validated in its constructor (messages name the bad value). Field names in
 * JSON are the seed's snake_case names ({@code d_in}, {@code l1_coefficient}, ...) plus the fields the
 * architectures need. {@code l1_coefficient} is the sparsity coefficient: L1 for relu/gated, L0 for
 * jumprelu; unused by topk/batchtopk. Dead latents are measured over {@code dead_window_tokens} tokens.
 * Use {@link #builder(String, int)} for derived defaults.
 */
public record SaeConfig(
        String architecture, int dIn, int dSae, int k,
        double l1Coefficient, int l1WarmupSteps,
        boolean normalizeDecoder, boolean normalizeActivations,
        String hookPoint, String modelName, int contextSize, String datasetPath,
        long numActivations, int batchSize, int numEpochs,
        double learningRate, int warmupSteps, String lrDecay,
        double deadLatentThreshold, long deadWindowTokens, int resampleInterval,
        int evalEvery, int saveEvery,
        int auxK, double auxKCoefficient,
        double jumpReluBandwidth, double jumpReluInitThreshold, double gradClipNorm,
        String dtype, long seed) {

    public static final Set<String> ARCHITECTURES = Set.of("topk", "batchtopk", "relu", "gated", "jumprelu");
    public static final Set<String> LR_DECAYS = Set.of("constant", "linear", "cosine");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JSON field names, in {@link #toJson()} order. */
    public static final java.util.List<String> FIELDS = java.util.List.of("architecture", "d_in", "d_sae", "k",
            "l1_coefficient", "l1_warmup_steps", "normalize_decoder", "normalize_activations", "hook_point",
            "model_name", "context_size", "dataset_path", "num_activations", "batch_size", "num_epochs",
            "learning_rate", "warmup_steps", "lr_decay", "dead_latent_threshold", "dead_window_tokens",
            "resample_interval", "eval_every", "save_every", "aux_k", "aux_k_coefficient", "jumprelu_bandwidth",
            "jumprelu_init_threshold", "grad_clip_norm", "dtype", "seed");

    public SaeConfig {
        architecture = architecture == null ? null : architecture.toLowerCase(Locale.ROOT);
        require(ARCHITECTURES.contains(architecture), "architecture must be one of " + ARCHITECTURES
                + ", got '" + architecture + "'");
        require(dIn > 0, "d_in must be positive, got " + dIn);
        require(dSae > 0, "d_sae must be positive, got " + dSae);
        if (usesK(architecture)) require(k >= 1 && k <= dSae, "k must be in [1, d_sae=" + dSae + "], got " + k);
        require(finite(l1Coefficient) && l1Coefficient >= 0, "l1_coefficient must be ≥ 0, got " + l1Coefficient);
        require(l1WarmupSteps >= 0, "l1_warmup_steps must be ≥ 0, got " + l1WarmupSteps);
        require(contextSize >= 0, "context_size must be ≥ 0, got " + contextSize);
        require(numActivations >= 0, "num_activations must be ≥ 0, got " + numActivations);
        require(batchSize > 0, "batch_size must be positive, got " + batchSize);
        require(numEpochs > 0, "num_epochs must be positive, got " + numEpochs);
        require(finite(learningRate) && learningRate > 0, "learning_rate must be > 0, got " + learningRate);
        require(warmupSteps >= 0, "warmup_steps must be ≥ 0, got " + warmupSteps);
        require(LR_DECAYS.contains(lrDecay), "lr_decay must be one of " + LR_DECAYS + ", got '" + lrDecay + "'");
        require(deadLatentThreshold >= 0 && deadLatentThreshold <= 1,
                "dead_latent_threshold must be in [0, 1], got " + deadLatentThreshold);
        require(deadWindowTokens > 0, "dead_window_tokens must be positive, got " + deadWindowTokens);
        require(resampleInterval >= 0, "resample_interval must be ≥ 0 (0 = off), got " + resampleInterval);
        require(evalEvery >= 0 && saveEvery >= 0, "eval_every/save_every must be ≥ 0, got " + evalEvery + "/" + saveEvery);
        require(auxK >= 0 && auxK <= dSae, "aux_k must be in [0, d_sae=" + dSae + "], got " + auxK);
        require(finite(auxKCoefficient) && auxKCoefficient >= 0, "aux_k_coefficient must be ≥ 0, got " + auxKCoefficient);
        require(finite(jumpReluBandwidth) && jumpReluBandwidth > 0, "jumprelu_bandwidth must be > 0, got " + jumpReluBandwidth);
        require(finite(jumpReluInitThreshold) && jumpReluInitThreshold > 0,
                "jumprelu_init_threshold must be > 0, got " + jumpReluInitThreshold);
        require(Double.isFinite(gradClipNorm) && gradClipNorm >= 0, "grad_clip_norm must be ≥ 0 (0 = off), got " + gradClipNorm);
        require("float32".equals(dtype), "dtype must be 'float32' (training runs in fp32), got '" + dtype + "'");
        hookPoint = hookPoint == null ? "" : hookPoint;
        modelName = modelName == null ? "" : modelName;
        datasetPath = datasetPath == null ? "" : datasetPath;
    }

    public static boolean usesK(String architecture) {
        return "topk".equals(architecture) || "batchtopk".equals(architecture);
    }

    public int expansionFactor() {
        return dSae / dIn;
    }

    public SaeConfigBuilder toBuilder() {
        return new SaeConfigBuilder(this);
    }

    public static SaeConfigBuilder builder(String architecture, int dIn) {
        return new SaeConfigBuilder(architecture, dIn);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("architecture", architecture).put("d_in", dIn).put("d_sae", dSae).put("k", k)
                .put("l1_coefficient", l1Coefficient).put("l1_warmup_steps", l1WarmupSteps)
                .put("normalize_decoder", normalizeDecoder).put("normalize_activations", normalizeActivations)
                .put("hook_point", hookPoint).put("model_name", modelName).put("context_size", contextSize)
                .put("dataset_path", datasetPath).put("num_activations", numActivations)
                .put("batch_size", batchSize).put("num_epochs", numEpochs).put("learning_rate", learningRate)
                .put("warmup_steps", warmupSteps).put("lr_decay", lrDecay)
                .put("dead_latent_threshold", deadLatentThreshold).put("dead_window_tokens", deadWindowTokens)
                .put("resample_interval", resampleInterval).put("eval_every", evalEvery).put("save_every", saveEvery)
                .put("aux_k", auxK).put("aux_k_coefficient", auxKCoefficient)
                .put("jumprelu_bandwidth", jumpReluBandwidth).put("jumprelu_init_threshold", jumpReluInitThreshold)
                .put("grad_clip_norm", gradClipNorm).put("dtype", dtype).put("seed", seed);
        return o;
    }

    /** Parses {@link #toJson()} output; missing fields take the builder defaults, unknown fields are errors. */
    public static SaeConfig fromJson(JsonNode o) {
        if (o == null || !o.isObject()) throw new IllegalArgumentException("SAE config must be a JSON object, got " + o);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new IllegalArgumentException("unknown SAE config field '" + f + "'");
        }
        String arch = text(o, "architecture", null);
        int dIn = integer(o, "d_in", 0);
        SaeConfigBuilder b = builder(arch, dIn);
        if (o.has("d_sae")) b.dSae(integer(o, "d_sae", 0));
        if (o.has("k")) b.k(integer(o, "k", 0));
        if (o.has("l1_coefficient")) b.l1Coefficient(number(o, "l1_coefficient"));
        if (o.has("l1_warmup_steps")) b.l1WarmupSteps(integer(o, "l1_warmup_steps", 0));
        if (o.has("normalize_decoder")) b.normalizeDecoder(bool(o, "normalize_decoder"));
        if (o.has("normalize_activations")) b.normalizeActivations(bool(o, "normalize_activations"));
        b.hookPoint(text(o, "hook_point", "")).modelName(text(o, "model_name", ""))
                .datasetPath(text(o, "dataset_path", ""));
        if (o.has("context_size")) b.contextSize(integer(o, "context_size", 0));
        if (o.has("num_activations")) b.numActivations(o.get("num_activations").asLong());
        if (o.has("batch_size")) b.batchSize(integer(o, "batch_size", 0));
        if (o.has("num_epochs")) b.numEpochs(integer(o, "num_epochs", 0));
        if (o.has("learning_rate")) b.learningRate(number(o, "learning_rate"));
        if (o.has("warmup_steps")) b.warmupSteps(integer(o, "warmup_steps", 0));
        if (o.has("lr_decay")) b.lrDecay(text(o, "lr_decay", null));
        if (o.has("dead_latent_threshold")) b.deadLatentThreshold(number(o, "dead_latent_threshold"));
        if (o.has("dead_window_tokens")) b.deadWindowTokens(o.get("dead_window_tokens").asLong());
        if (o.has("resample_interval")) b.resampleInterval(integer(o, "resample_interval", 0));
        if (o.has("eval_every")) b.evalEvery(integer(o, "eval_every", 0));
        if (o.has("save_every")) b.saveEvery(integer(o, "save_every", 0));
        if (o.has("aux_k")) b.auxK(integer(o, "aux_k", 0));
        if (o.has("aux_k_coefficient")) b.auxKCoefficient(number(o, "aux_k_coefficient"));
        if (o.has("jumprelu_bandwidth")) b.jumpReluBandwidth(number(o, "jumprelu_bandwidth"));
        if (o.has("jumprelu_init_threshold")) b.jumpReluInitThreshold(number(o, "jumprelu_init_threshold"));
        if (o.has("grad_clip_norm")) b.gradClipNorm(number(o, "grad_clip_norm"));
        if (o.has("dtype")) b.dtype(text(o, "dtype", null));
        if (o.has("seed")) b.seed(o.get("seed").asLong());
        return b.build();
    }

    private static String text(JsonNode o, String f, String dflt) {
        JsonNode n = o.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw new IllegalArgumentException("SAE config field '" + f + "' must be a string, got " + n);
        return n.asText();
    }

    private static int integer(JsonNode o, String f, int dflt) {
        JsonNode n = o.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber())
            throw new IllegalArgumentException("SAE config field '" + f + "' must be an integer, got " + n);
        return n.asInt();
    }

    private static double number(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (!n.isNumber()) throw new IllegalArgumentException("SAE config field '" + f + "' must be a number, got " + n);
        return n.asDouble();
    }

    private static boolean bool(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (!n.isBoolean()) throw new IllegalArgumentException("SAE config field '" + f + "' must be a boolean, got " + n);
        return n.asBoolean();
    }

    private static boolean finite(double v) {
        return Double.isFinite(v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid SAE config: " + message);
    }
}

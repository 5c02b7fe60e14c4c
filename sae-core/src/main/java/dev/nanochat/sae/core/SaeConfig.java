package dev.nanochat.sae.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

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
        String architecture,
        int dIn,
        int dSae,
        int k,
        double l1Coefficient,
        int l1WarmupSteps,
        boolean normalizeDecoder,
        boolean normalizeActivations,
        String hookPoint,
        String modelName,
        int contextSize,
        String datasetPath,
        int batchSize,
        double learningRate,
        int warmupSteps,
        String lrDecay,
        double deadLatentThreshold,
        long deadWindowTokens,
        int resampleInterval,
        int auxK,
        double auxKCoefficient,
        double jumpReluBandwidth,
        double jumpReluInitThreshold,
        double gradClipNorm,
        String dtype,
        long seed) {

    public static final Set<String> ARCHITECTURES = Set.of("topk", "batchtopk", "relu", "gated", "jumprelu");
    public static final Set<String> LR_DECAYS = Set.of("constant", "linear", "cosine");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JSON field names, in {@link #toJson()} order (from {@link #JSON_FIELDS}, where each is written once). */
    public static final java.util.List<String> FIELDS;
    /** Fields older checkpoints carry that nothing read; accepted and ignored so those still resume. */
    private static final Set<String> RETIRED = Set.of("num_epochs", "eval_every", "save_every", "num_activations");

    /** One JSON field: its snake_case name, its type, how to read it from a config and set it on a builder. */
    private record Field(
            String name, Kind kind, Function<SaeConfig, Object> get, BiConsumer<SaeConfigBuilder, Object> set) {}

    private enum Kind {
        TEXT,
        INT,
        LONG,
        NUMBER,
        BOOL
    }

    private static final java.util.List<Field> JSON_FIELDS = java.util.List.of(
            new Field("architecture", Kind.TEXT, SaeConfig::architecture, (b, v) -> b.architecture((String) v)),
            new Field("d_in", Kind.INT, SaeConfig::dIn, (b, v) -> b.dIn((Integer) v)),
            new Field("d_sae", Kind.INT, SaeConfig::dSae, (b, v) -> b.dSae((Integer) v)),
            new Field("k", Kind.INT, SaeConfig::k, (b, v) -> b.k((Integer) v)),
            new Field("l1_coefficient", Kind.NUMBER, SaeConfig::l1Coefficient, (b, v) -> b.l1Coefficient((Double) v)),
            new Field("l1_warmup_steps", Kind.INT, SaeConfig::l1WarmupSteps, (b, v) -> b.l1WarmupSteps((Integer) v)),
            new Field(
                    "normalize_decoder",
                    Kind.BOOL,
                    SaeConfig::normalizeDecoder,
                    (b, v) -> b.normalizeDecoder((Boolean) v)),
            new Field(
                    "normalize_activations",
                    Kind.BOOL,
                    SaeConfig::normalizeActivations,
                    (b, v) -> b.normalizeActivations((Boolean) v)),
            new Field("hook_point", Kind.TEXT, SaeConfig::hookPoint, (b, v) -> b.hookPoint((String) v)),
            new Field("model_name", Kind.TEXT, SaeConfig::modelName, (b, v) -> b.modelName((String) v)),
            new Field("context_size", Kind.INT, SaeConfig::contextSize, (b, v) -> b.contextSize((Integer) v)),
            new Field("dataset_path", Kind.TEXT, SaeConfig::datasetPath, (b, v) -> b.datasetPath((String) v)),
            new Field("batch_size", Kind.INT, SaeConfig::batchSize, (b, v) -> b.batchSize((Integer) v)),
            new Field("learning_rate", Kind.NUMBER, SaeConfig::learningRate, (b, v) -> b.learningRate((Double) v)),
            new Field("warmup_steps", Kind.INT, SaeConfig::warmupSteps, (b, v) -> b.warmupSteps((Integer) v)),
            new Field("lr_decay", Kind.TEXT, SaeConfig::lrDecay, (b, v) -> b.lrDecay((String) v)),
            new Field(
                    "dead_latent_threshold",
                    Kind.NUMBER,
                    SaeConfig::deadLatentThreshold,
                    (b, v) -> b.deadLatentThreshold((Double) v)),
            new Field(
                    "dead_window_tokens",
                    Kind.LONG,
                    SaeConfig::deadWindowTokens,
                    (b, v) -> b.deadWindowTokens((Long) v)),
            new Field(
                    "resample_interval",
                    Kind.INT,
                    SaeConfig::resampleInterval,
                    (b, v) -> b.resampleInterval((Integer) v)),
            new Field("aux_k", Kind.INT, SaeConfig::auxK, (b, v) -> b.auxK((Integer) v)),
            new Field(
                    "aux_k_coefficient",
                    Kind.NUMBER,
                    SaeConfig::auxKCoefficient,
                    (b, v) -> b.auxKCoefficient((Double) v)),
            new Field(
                    "jumprelu_bandwidth",
                    Kind.NUMBER,
                    SaeConfig::jumpReluBandwidth,
                    (b, v) -> b.jumpReluBandwidth((Double) v)),
            new Field(
                    "jumprelu_init_threshold",
                    Kind.NUMBER,
                    SaeConfig::jumpReluInitThreshold,
                    (b, v) -> b.jumpReluInitThreshold((Double) v)),
            new Field("grad_clip_norm", Kind.NUMBER, SaeConfig::gradClipNorm, (b, v) -> b.gradClipNorm((Double) v)),
            new Field("dtype", Kind.TEXT, SaeConfig::dtype, (b, v) -> b.dtype((String) v)),
            new Field("seed", Kind.LONG, SaeConfig::seed, (b, v) -> b.seed((Long) v)));

    static {
        FIELDS = JSON_FIELDS.stream().map(Field::name).toList();
    }

    public SaeConfig {
        architecture = architecture == null ? null : architecture.toLowerCase(Locale.ROOT);
        require(
                ARCHITECTURES.contains(architecture),
                "architecture must be one of " + ARCHITECTURES + ", got '" + architecture + "'");
        require(dIn > 0, "d_in must be positive, got " + dIn);
        require(dSae > 0, "d_sae must be positive, got " + dSae);
        if (usesK(architecture)) require(k >= 1 && k <= dSae, "k must be in [1, d_sae=" + dSae + "], got " + k);
        require(finite(l1Coefficient) && l1Coefficient >= 0, "l1_coefficient must be ≥ 0, got " + l1Coefficient);
        require(l1WarmupSteps >= 0, "l1_warmup_steps must be ≥ 0, got " + l1WarmupSteps);
        require(contextSize >= 0, "context_size must be ≥ 0, got " + contextSize);
        require(batchSize > 0, "batch_size must be positive, got " + batchSize);
        require(finite(learningRate) && learningRate > 0, "learning_rate must be > 0, got " + learningRate);
        require(warmupSteps >= 0, "warmup_steps must be ≥ 0, got " + warmupSteps);
        require(LR_DECAYS.contains(lrDecay), "lr_decay must be one of " + LR_DECAYS + ", got '" + lrDecay + "'");
        require(
                deadLatentThreshold >= 0 && deadLatentThreshold <= 1,
                "dead_latent_threshold must be in [0, 1], got " + deadLatentThreshold);
        require(deadWindowTokens > 0, "dead_window_tokens must be positive, got " + deadWindowTokens);
        require(resampleInterval >= 0, "resample_interval must be ≥ 0 (0 = off), got " + resampleInterval);
        require(auxK >= 0 && auxK <= dSae, "aux_k must be in [0, d_sae=" + dSae + "], got " + auxK);
        require(
                finite(auxKCoefficient) && auxKCoefficient >= 0,
                "aux_k_coefficient must be ≥ 0, got " + auxKCoefficient);
        require(
                finite(jumpReluBandwidth) && jumpReluBandwidth > 0,
                "jumprelu_bandwidth must be > 0, got " + jumpReluBandwidth);
        require(
                finite(jumpReluInitThreshold) && jumpReluInitThreshold > 0,
                "jumprelu_init_threshold must be > 0, got " + jumpReluInitThreshold);
        require(
                Double.isFinite(gradClipNorm) && gradClipNorm >= 0,
                "grad_clip_norm must be ≥ 0 (0 = off), got " + gradClipNorm);
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
        for (Field f : JSON_FIELDS) {
            Object v = f.get().apply(this);
            switch (f.kind()) {
                case TEXT -> o.put(f.name(), (String) v);
                case INT -> o.put(f.name(), (Integer) v);
                case LONG -> o.put(f.name(), (Long) v);
                case NUMBER -> o.put(f.name(), (Double) v);
                case BOOL -> o.put(f.name(), (Boolean) v);
            }
        }
        return o;
    }

    /** Parses {@link #toJson()} output; missing fields take the builder defaults, unknown fields are errors. */
    public static SaeConfig fromJson(JsonNode o) {
        if (o == null || !o.isObject())
            throw new IllegalArgumentException("SAE config must be a JSON object, got " + o);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f) && !RETIRED.contains(f))
                throw new IllegalArgumentException("unknown SAE config field '" + f + "'");
        }
        SaeConfigBuilder b = builder(null, 0);
        for (Field f : JSON_FIELDS) {
            JsonNode n = o.get(f.name());
            if (n == null || n.isNull()) continue;
            f.set().accept(b, value(f, n));
        }
        return b.build();
    }

    private static Object value(Field f, JsonNode n) {
        String problem =
                switch (f.kind()) {
                    case TEXT -> n.isTextual() ? null : "a string";
                    case INT -> n.isIntegralNumber() && n.canConvertToInt() ? null : "an integer";
                    case LONG -> n.isIntegralNumber() && n.canConvertToLong() ? null : "an integer";
                    case NUMBER -> n.isNumber() ? null : "a number";
                    case BOOL -> n.isBoolean() ? null : "a boolean";
                };
        if (problem != null)
            throw new IllegalArgumentException("SAE config field '" + f.name() + "' must be " + problem + ", got " + n);
        return switch (f.kind()) {
            case TEXT -> n.asText();
            case INT -> n.asInt();
            case LONG -> n.asLong();
            case NUMBER -> n.asDouble();
            case BOOL -> n.asBoolean();
        };
    }

    private static boolean finite(double v) {
        return Double.isFinite(v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid SAE config: " + message);
    }
}

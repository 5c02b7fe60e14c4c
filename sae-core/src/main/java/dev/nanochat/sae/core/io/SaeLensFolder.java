package dev.nanochat.sae.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SAELens on-disk format: {@code cfg.json}, {@code sae_weights.safetensors} (float32 tensors
 * W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in], b_dec [d_in], plus {@code threshold}
 * for jumprelu, {@code b_gate, r_mag, b_mag} instead of b_enc for gated) and optionally
 * {@code sparsity.safetensors} ({"sparsity": log10 feature density [d_sae]}).
 *
 * <p>Design: the same {@link SaeLensShapes} rules check a folder before it is written and after it
 * is read, so nothing invalid reaches disk or the engine. Writes go through {@link AtomicDirectory}.
 * Reading accepts folders produced by Python SAELens (no completion marker) but refuses our own
 * unfinished temp folders and any folder without cfg.json; F16/BF16 weights are widened to float.
 */
public final class SaeLensFolder {
    public static final String CFG = "cfg.json";
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String SPARSITY = "sparsity.safetensors";
    public static final String SPARSITY_TENSOR = "sparsity";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SaeLensFolder() {}

    /** What a folder holds: cfg.json, weights by name (file order), log10 density or null. */
    public record Contents(ObjectNode cfg, Map<String, HostTensor> weights, float[] sparsityOrNull) {
        public int dIn() {
            return cfg.get("d_in").asInt();
        }

        public int dSae() {
            return cfg.get("d_sae").asInt();
        }

        /** cfg.json "architecture", "standard" when absent (older SAELens folders). */
        public String architecture() {
            return cfg.path("architecture").asText("standard");
        }

        /** A weight by name; a missing one fails with the list of present names. */
        public HostTensor weight(String name) {
            HostTensor t = weights.get(name);
            if (t == null) {
                throw new IllegalArgumentException(
                        "SAE weights have no tensor '" + name + "'; present: " + weights.keySet());
            }
            return t;
        }
    }

    /** Validates, then writes the folder atomically (replacing an existing one). */
    public static void write(
            Path dir, ObjectNode cfgJson, Map<String, HostTensor> weights, float[] log10SparsityOrNull) {
        String where = "SAE folder " + dir;
        SaeLensShapes.check(where, cfgJson, weights, log10SparsityOrNull, false);
        AtomicDirectory.write(dir, tmp -> {
            Files.write(tmp.resolve(CFG), JSON.writeValueAsBytes(cfgJson));
            Safetensors.Writer w = new Safetensors.Writer().metadata("format", "pt");
            weights.forEach((name, t) -> w.f32(name, t.shape(), t.data()));
            writeSafetensors(w, tmp.resolve(WEIGHTS));
            if (log10SparsityOrNull != null) {
                writeSafetensors(
                        new Safetensors.Writer()
                                .metadata("format", "pt")
                                .f32(SPARSITY_TENSOR, new long[] {log10SparsityOrNull.length}, log10SparsityOrNull),
                        tmp.resolve(SPARSITY));
            }
        });
    }

    private static void writeSafetensors(Safetensors.Writer w, Path file) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            w.writeTo(out);
        }
    }

    /** Reads and validates a folder; errors name the folder, the file and the tensor. */
    public static Contents read(Path dir) {
        String where = "SAE folder " + dir;
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(where + " does not exist or is not a directory");
        }
        if (AtomicDirectory.isWorkingCopy(dir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(where + " is an unfinished temporary copy, not a complete SAE folder");
        }
        Path cfgFile = dir.resolve(CFG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new IllegalArgumentException(where + " has no " + CFG + " (incomplete or not an SAE folder)");
        }
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weightsFile)) {
            throw new IllegalArgumentException(where + " has no " + WEIGHTS);
        }
        ObjectNode cfg = readCfg(cfgFile);
        SafetensorsFile st = Safetensors.read(weightsFile);
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (String name : st.names()) {
            if (!st.info(name).dtype().isFloat()) {
                throw new IllegalArgumentException(weightsFile + ": tensor '" + name + "' is "
                        + st.info(name).dtype() + "; SAE weights must be floating point");
            }
            weights.put(name, HostTensor.from(st, name));
        }
        float[] sparsity = null;
        Path sparsityFile = dir.resolve(SPARSITY);
        if (Files.isRegularFile(sparsityFile)) {
            sparsity = Safetensors.read(sparsityFile).floats(SPARSITY_TENSOR);
        }
        SaeLensShapes.check(where, cfg, weights, sparsity, true);
        return new Contents(cfg, Collections.unmodifiableMap(weights), sparsity);
    }

    private static ObjectNode readCfg(Path cfgFile) {
        try {
            JsonNode node = JSON.readTree(cfgFile.toFile());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(cfgFile + ": not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(cfgFile + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(cfgFile + ": " + e.getMessage(), e);
        }
    }
}

package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checkpoints are SAELens folders (cfg.json schema of sae.md), reload to the same function on raw inputs. */
class SaeLensExportTest {
    static final int D = 16, N = 48, ROWS = 128;

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "topk, topk, W_enc b_enc W_dec b_dec",
        "batchtopk, jumprelu, W_enc b_enc W_dec b_dec threshold",
        "relu, standard, W_enc b_enc W_dec b_dec",
        "jumprelu, jumprelu, W_enc b_enc W_dec b_dec threshold",
        "gated, gated, W_enc b_gate r_mag b_mag W_dec b_dec"
    })
    void folderFollowsSchemaAndRoundTrips(String arch, String saeLensArch, String tensors, @TempDir Path dir)
            throws Exception {
        // Inputs far from unit scale so the folded normalisation matters.
        float[] x = new SyntheticData(D, 20, 3, 0.05f, 2).batch(ROWS);
        for (int i = 0; i < x.length; i++) x[i] *= 37f;
        SaeConfig cfg = SaeConfig.builder(arch, D)
                .dSae(N)
                .k(3)
                .batchSize(ROWS)
                .warmupSteps(1)
                .learningRate(1e-3)
                .l1Coefficient(0.1)
                .modelName("d2-000600")
                .hookPoint("blocks.1.hook_resid_post")
                .contextSize(64)
                .build();
        float[] trainerRecon;
        double rawFvu, trainerFvu;
        try (Trainer t = new Trainer(cfg, TrainingOptions.defaults(0))) {
            for (int s = 0; s < 5; s++) t.step(x, ROWS);
            t.checkpoint(dir, java.util.Map.of());
            try (Sae exported = t.exportSae()) {
                trainerRecon = exported.reconstruct(x, ROWS);
                rawFvu = SaeMetrics.evaluate(exported, x, ROWS).fvu();
            }
            assertNotEquals(1f, t.scale, "normalisation was active");
            // The next step reports fvu of the current weights on the normalised batch: the exported SAE
            // (normalisation folded in) must give the same fvu on the raw batch.
            trainerFvu = t.step(x, ROWS).fvu();
        }
        // BatchTopK's export swaps the batch-level selection for the learned global threshold: close, not equal.
        double tolerance = arch.equals("batchtopk") ? 0.1 : 1e-3;
        assertEquals(
                trainerFvu, rawFvu, tolerance * trainerFvu, arch + ": folded export reproduces the training forward");
        JsonNode c = new ObjectMapper().readTree(dir.resolve("cfg.json").toFile());
        assertEquals(D, c.get("d_in").asInt());
        assertEquals(N, c.get("d_sae").asInt());
        assertEquals("float32", c.get("dtype").asText());
        assertEquals(saeLensArch, c.get("architecture").asText());
        assertTrue(c.get("apply_b_dec_to_input").asBoolean());
        assertEquals("none", c.get("normalize_activations").asText(), "normalisation is folded into the weights");
        assertEquals("none", c.get("reshape_activations").asText());
        assertEquals(saeLensArch.equals("topk"), c.has("k"));
        JsonNode meta = c.get("metadata");
        assertEquals("d2-000600", meta.get("model_name").asText());
        assertEquals("blocks.1.hook_resid_post", meta.get("hook_name").asText());
        assertEquals(64, meta.get("context_size").asInt());
        for (String f : new String[] {"prepend_bos", "dataset_path", "neuronpedia_id"}) assertTrue(meta.has(f), f);
        assertTrue(Files.isRegularFile(dir.resolve("sparsity.safetensors")));
        try (Sae loaded = Sae.load(dir)) {
            assertEquals(
                    new TreeSet<>(Set.of(tensors.split(" "))),
                    new TreeSet<>(loaded.weights().keySet()));
            assertEquals(saeLensArch, loaded.saeLensArchitecture());
            assertEquals(arch, loaded.config().architecture());
            float[] recon = loaded.reconstruct(x, ROWS);
            double err = 0, scale = 0;
            for (int i = 0; i < recon.length; i++) {
                err = Math.max(err, Math.abs(recon[i] - trainerRecon[i]));
                scale = Math.max(scale, Math.abs(trainerRecon[i]));
            }
            assertTrue(err <= 1e-4 * scale, "reloaded reconstruction differs by " + err);
        }
    }
}

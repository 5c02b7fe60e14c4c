package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeLensFolderTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode cfg(String arch, int dIn, int dSae) {
        ObjectNode c = JSON.createObjectNode()
                .put("d_in", dIn)
                .put("d_sae", dSae)
                .put("dtype", "float32")
                .put("device", "cpu")
                .put("architecture", arch)
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none");
        c.putObject("metadata").put("model_name", "d2-000600").put("hook_name", "blocks.1.hook_resid_post");
        return c;
    }

    private static float[] ramp(int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i - n / 2f) * scale;
        }
        return x;
    }

    private static Map<String, HostTensor> weights(int dIn, int dSae, boolean jumprelu) {
        Map<String, HostTensor> w = new LinkedHashMap<>();
        w.put("W_enc", HostTensor.of(ramp(dIn * dSae, 0.01f), dIn, dSae));
        w.put("b_enc", HostTensor.of(ramp(dSae, 0.1f), dSae));
        w.put("W_dec", HostTensor.of(ramp(dSae * dIn, -0.02f), dSae, dIn));
        w.put("b_dec", HostTensor.of(ramp(dIn, 0.5f), dIn));
        if (jumprelu) {
            w.put("threshold", HostTensor.of(new float[dSae], dSae));
        }
        return w;
    }

    @Test
    void roundTripWithSparsity() throws IOException {
        Path dir = tmp.resolve("sae");
        float[] sparsity = {-1f, -2.5f, Float.NEGATIVE_INFINITY, 0f, -3f, -0.5f};
        SaeLensFolder.write(dir, cfg("jumprelu", 4, 6), weights(4, 6, true), sparsity);
        SaeLensFolder.Contents c = SaeLensFolder.read(dir);
        assertEquals(cfg("jumprelu", 4, 6), c.cfg());
        assertEquals(4, c.dIn());
        assertEquals(6, c.dSae());
        assertEquals("jumprelu", c.architecture());
        assertEquals(weights(4, 6, true), c.weights());
        assertEquals(
                List.of("W_enc", "b_enc", "W_dec", "b_dec", "threshold"),
                List.copyOf(c.weights().keySet()));
        assertArrayEquals(sparsity, c.sparsityOrNull());
        assertTrue(AtomicDirectory.isComplete(dir));
        // The weights file is plain float32 safetensors, as SAELens reads it.
        SafetensorsFile st = Safetensors.read(dir.resolve("sae_weights.safetensors"));
        assertEquals(DType.F32, st.info("W_dec").dtype());
        assertArrayEquals(new long[] {6, 4}, st.info("W_dec").shape());
        assertEquals(-0.02f * (0 - 12f), st.floats("W_dec")[0]);
        assertEquals(
                List.of(".sae-complete", "cfg.json", "sae_weights.safetensors", "sparsity.safetensors"), list(dir));
        assertEquals(64, Digests.sha256(dir.resolve("sae_weights.safetensors")).length());
    }

    @Test
    void rewriteReplacesTheWholeFolder() throws IOException {
        Path dir = tmp.resolve("sae");
        SaeLensFolder.write(dir, cfg("topk", 2, 3), weights(2, 3, false), new float[] {-1, -1, -1});
        SaeLensFolder.write(dir, cfg("topk", 2, 4), weights(2, 4, false), null);
        SaeLensFolder.Contents c = SaeLensFolder.read(dir);
        assertEquals(4, c.dSae());
        assertNull(c.sparsityOrNull()); // the old sparsity file did not survive
        assertEquals(List.of("sae"), list(tmp)); // no temp or backup siblings left
    }

    @Test
    void readsAFolderWithoutOurMarker() throws IOException {
        // As written by Python SAELens: cfg.json + sae_weights.safetensors only.
        Path dir = Files.createDirectories(tmp.resolve("python"));
        Files.writeString(dir.resolve("cfg.json"), cfg("standard", 2, 3).toString());
        Safetensors.Writer w = new Safetensors.Writer();
        weights(2, 3, false).forEach((k, v) -> w.f32(k, v.shape(), v.data()));
        w.write(dir.resolve("sae_weights.safetensors"));
        assertEquals(3, SaeLensFolder.read(dir).dSae());
        assertFalse(AtomicDirectory.isComplete(dir));
    }

    @Test
    void writeValidatesBeforeTouchingDisk() {
        Path dir = tmp.resolve("bad");
        Map<String, HostTensor> w = weights(4, 6, false);
        w.put("W_dec", HostTensor.of(new float[24], 4, 6)); // transposed
        var e = assertThrows(
                IllegalArgumentException.class, () -> SaeLensFolder.write(dir, cfg("topk", 4, 6), w, null));
        assertEquals(
                "SAE folder " + dir + " weights: tensor 'W_dec' has shape [4, 6], expected [6, 4] for d_in=4, d_sae=6",
                e.getMessage());
        Map<String, HostTensor> nan = weights(4, 6, false);
        nan.get("b_enc").data()[3] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.write(dir, cfg("topk", 4, 6), nan, null));
        assertEquals(
                "SAE folder " + dir + " weights: tensor 'b_enc' [6] has non-finite value NaN at flat index 3",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeLensFolder.write(dir, cfg("jumprelu", 4, 6), weights(4, 6, false), null));
        assertTrue(e.getMessage()
                .endsWith("architecture 'jumprelu' needs tensor 'threshold'; present: [W_enc, b_enc, W_dec, b_dec]"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeLensFolder.write(dir, cfg("topk", 4, 6), weights(4, 6, false), new float[] {-1}));
        assertEquals("SAE folder " + dir + " sparsity: has 1 values, expected d_sae=6", e.getMessage());
        assertFalse(Files.exists(dir));
    }

    @Test
    void readNamesTheMissingOrBadPart() throws IOException {
        Path dir = tmp.resolve("sae");
        assertEquals(
                "SAE folder " + dir + " does not exist or is not a directory",
                assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                        .getMessage());
        Files.createDirectories(dir);
        Files.write(dir.resolve("sae_weights.safetensors"), new byte[0]);
        assertEquals(
                "SAE folder " + dir + " has no cfg.json (incomplete or not an SAE folder)",
                assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                        .getMessage());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 4,");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                .getMessage()
                .startsWith(dir.resolve("cfg.json") + ": invalid JSON"));
        Files.writeString(dir.resolve("cfg.json"), cfg("topk", 4, 6).toString());
        assertEquals(
                dir.resolve("sae_weights.safetensors") + ": empty file (0 bytes), not a safetensors file",
                assertThrows(SafetensorsException.class, () -> SaeLensFolder.read(dir))
                        .getMessage());
        Safetensors.Writer w = new Safetensors.Writer();
        weights(4, 5, false).forEach((k, v) -> w.f32(k, v.shape(), v.data())); // d_sae 5 vs cfg 6
        w.write(dir.resolve("sae_weights.safetensors"));
        assertEquals(
                "SAE folder " + dir + "/sae_weights.safetensors: tensor 'W_enc' has shape [4, 5], expected [4, 6]"
                        + " for d_in=4, d_sae=6",
                assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                        .getMessage());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 4, \"d_sae\": -6}");
        assertEquals(
                "SAE folder " + dir + "/cfg.json: 'd_sae' must be a positive integer, got -6",
                assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                        .getMessage());
    }

    @Test
    void refusesOurOwnTempFolders() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(".sae.tmp-1234"));
        Files.writeString(dir.resolve("cfg.json"), cfg("topk", 4, 6).toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeLensFolder.read(dir))
                .getMessage()
                .endsWith("is an unfinished temporary copy, not a complete SAE folder"));
    }

    @Test
    void hostTensorChecksShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> HostTensor.of(new float[5], 2, 3));
        assertEquals("HostTensor shape [2, 3] has 6 elements but data has 5", e.getMessage());
        assertTrue(HostTensor.of(new float[] {1, 2}, 2).allFinite());
        assertFalse(HostTensor.of(new float[] {1, Float.POSITIVE_INFINITY}, 2).allFinite());
    }

    static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

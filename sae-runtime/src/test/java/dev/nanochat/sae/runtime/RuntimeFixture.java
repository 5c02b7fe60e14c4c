package dev.nanochat.sae.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.io.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The real nanochat-d2 checkpoint (test resources, written by nanochat's own code) and SAELens folders
 * written as a foreign tool would. The SAEs are untrained but structured: unit-norm random decoder
 * rows, W_enc = W_decᵀ, a negative b_enc so only a few latents fire, and latent 0 CONSTANT (zero encoder
 * column, b_enc[0] = {@link #CONSTANT}) so "clamp to the current value" can be tested at every position.
 */
public final class RuntimeFixture {
    public static final float CONSTANT = 0.75f;
    public static final String MODEL_ID = "d2-000600";

    private RuntimeFixture() {}

    public static Path baseDir() {
        try {
            return Path.of(RuntimeFixture.class.getResource("/nanochat-d2").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SAELens folder ("standard", or "topk" with k) for {@code hook} of the d2 model (d_in 128). */
    public static Path sae(Path dir, String hook, String architecture, int dSae, int k, long seed) {
        int d = 128;
        Random r = new Random(seed);
        float[] wDec = new float[dSae * d];
        for (int i = 0; i < dSae; i++) {
            double norm = 0;
            for (int c = 0; c < d; c++) norm += Math.pow(wDec[i * d + c] = (float) r.nextGaussian(), 2);
            for (int c = 0; c < d; c++) wDec[i * d + c] /= (float) Math.sqrt(norm);
        }
        float[] wEnc = new float[d * dSae];
        float[] bEnc = new float[dSae];
        for (int i = 0; i < dSae; i++) {
            bEnc[i] = i == 0 ? CONSTANT : -0.05f;
            if (i == 0) continue;
            for (int c = 0; c < d; c++) wEnc[c * dSae + i] = wDec[i * d + c];
        }
        float[] bDec = new float[d];
        for (int c = 0; c < d; c++) bDec[c] = (float) (0.01 * r.nextGaussian());
        try {
            Files.createDirectories(dir);
            ObjectNode cfg = new ObjectMapper().createObjectNode();
            cfg.put("d_in", d)
                    .put("d_sae", dSae)
                    .put("dtype", "float32")
                    .put("device", "cpu")
                    .put("apply_b_dec_to_input", true)
                    .put("normalize_activations", "none")
                    .put("reshape_activations", "none")
                    .put("architecture", architecture);
            if (k > 0) cfg.put("k", k);
            cfg.putObject("metadata").put("model_name", MODEL_ID).put("hook_name", hook);
            Files.writeString(dir.resolve("cfg.json"), cfg.toPrettyString());
            new Safetensors.Writer()
                    .f32("W_enc", new long[] {d, dSae}, wEnc)
                    .f32("b_enc", new long[] {dSae}, bEnc)
                    .f32("W_dec", new long[] {dSae, d}, wDec)
                    .f32("b_dec", new long[] {d}, bDec)
                    .write(dir.resolve("sae_weights.safetensors"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }
}

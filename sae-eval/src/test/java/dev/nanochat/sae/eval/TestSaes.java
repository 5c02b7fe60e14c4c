package dev.nanochat.sae.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes SAELens "standard" (ReLU) folders with chosen weights, as a foreign tool would. */
public final class TestSaes {
    private TestSaes() {}

    /** W_enc [d,n], b_enc [n], W_dec [n,d], b_dec [d]. */
    public static Path relu(Path dir, int d, int n, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("d_in", d)
                .put("d_sae", n)
                .put("dtype", "float32")
                .put("device", "cpu")
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none")
                .put("architecture", "standard");
        cfg.putObject("metadata").put("model_name", "d2-000600").put("hook_name", "blocks.1.hook_resid_post");
        Files.writeString(dir.resolve("cfg.json"), cfg.toPrettyString());
        new Safetensors.Writer()
                .f32("W_enc", new long[] {d, n}, wEnc)
                .f32("b_enc", new long[] {n}, bEnc)
                .f32("W_dec", new long[] {n, d}, wDec)
                .f32("b_dec", new long[] {d}, bDec)
                .write(dir.resolve("sae_weights.safetensors"));
        return dir;
    }

    /** n = 2d, W_enc = [I, −I], W_dec = [I; −I]: ReLU(x) − ReLU(−x) = x, an exact reconstruction. */
    public static Path identity(Path dir, int d) throws IOException {
        int n = 2 * d;
        float[] wEnc = new float[d * n];
        float[] wDec = new float[n * d];
        for (int i = 0; i < d; i++) {
            wEnc[i * n + i] = 1;
            wEnc[i * n + d + i] = -1;
            wDec[i * d + i] = 1;
            wDec[(d + i) * d + i] = -1;
        }
        return relu(dir, d, n, wEnc, new float[n], wDec, new float[d]);
    }

    /** Decoder and decoder bias zero: x̂ = 0 whatever the latents. */
    public static Path zero(Path dir, int d, long seed) throws IOException {
        int n = 2 * d;
        return relu(dir, d, n, gaussian(d * n, 0.1f, seed), new float[n], new float[n * d], new float[d]);
    }

    public static float[] gaussian(int size, float std, long seed) {
        Random r = new Random(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }
}

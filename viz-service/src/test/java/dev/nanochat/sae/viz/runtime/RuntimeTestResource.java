package dev.nanochat.sae.viz.runtime;

import dev.nanochat.sae.runtime.RuntimeFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The runtime's inputs for a test run: the real nanochat-d2 checkpoint (test resources) and a directory
 * of two SAELens folders at different hooks, written before Quarkus starts so the holder loads them.
 */
public class RuntimeTestResource implements QuarkusTestResourceLifecycleManager {
    static Path modelDir;
    static Path saeDir;

    @Override
    public Map<String, String> start() {
        try {
            modelDir = Path.of("src/test/resources/nanochat-d2").toAbsolutePath();
            saeDir = Files.createTempDirectory("viz-runtime-saes");
            RuntimeFixture.sae(saeDir.resolve("res0"), "blocks.0.hook_resid_post", "standard", 256, 0, 1);
            RuntimeFixture.sae(saeDir.resolve("res1"), "blocks.1.hook_resid_post", "topk", 256, 8, 3);
            // res1 has training densities (res0 none): feature f fires on 10^(−f/64) of tokens.
            float[] log10 = new float[256];
            for (int f = 0; f < 256; f++) log10[f] = -f / 64f;
            Files.write(
                    saeDir.resolve("res1").resolve(dev.nanochat.sae.core.io.SaeLensFolder.SPARSITY),
                    new dev.nanochat.sae.core.io.Safetensors.Writer()
                            .f32("sparsity", new long[] {256}, log10)
                            .toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("viz.runtime.model-dir", modelDir.toString(), "viz.runtime.sae-dir", saeDir.toString());
    }

    @Override
    public void stop() {}
}

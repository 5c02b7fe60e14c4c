package dev.nanochat.sae.eval;

import ai.djl.Device;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny nanochat fixture (d2, step 600) and the token ids its reference forward was run on. */
final class FixtureModel {
    /** Mean next-token CE that the Python reference reports on {@link #referenceIds()} (seed gpt.py, fp32). */
    static final double REFERENCE_CE = 3.961591958999634;

    private FixtureModel() {}

    static Path baseDir() {
        try {
            return Path.of(FixtureModel.class.getResource("/nanochat-d2").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelCheckpoint ref() {
        return ModelCheckpoints.resolve(baseDir(), "base", "d2", 600);
    }

    static Gpt load() {
        return Gpt.load(ref(), Device.cpu());
    }

    /** input_ids [2, 23] of the reference forward. */
    static int[][] referenceIds() {
        long[] flat = Safetensors.read(baseDir().resolve("reference_activations.safetensors"))
                .longs("input_ids");
        int[][] ids = new int[2][23];
        for (int i = 0; i < flat.length; i++) {
            ids[i / 23][i % 23] = Math.toIntExact(flat[i]);
        }
        return ids;
    }
}

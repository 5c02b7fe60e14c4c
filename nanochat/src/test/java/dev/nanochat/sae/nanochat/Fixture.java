package dev.nanochat.sae.nanochat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The nanochat-d2 fixture copied into test resources (written by nanochat's own Python code). */
final class Fixture {
    private Fixture() {}

    static Path baseDir() {
        try {
            return Path.of(Fixture.class.getResource("/nanochat-d2").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path modelFile() {
        return baseDir().resolve("base_checkpoints/d2/model_000600.pt");
    }

    static JsonNode reference() {
        try {
            return new ObjectMapper()
                    .readTree(baseDir().resolve("reference.json").toFile());
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

package dev.nanochat.sae.train;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finding and showing an already-trained demo model. A model counts as present only when it is
 * complete: tokenizer, model file and meta file (the meta is written last, so a run killed while
 * saving is not mistaken for a finished one).
 */
public final class DemoModelCache {
    private DemoModelCache() {}

    /** The newest complete checkpoint of {@code tag} under the base dir, or empty (with the reason if incomplete). */
    public static Optional<ModelCheckpoint> find(Path baseDir, String tag, StringBuilder whyNot) {
        if (!Files.isDirectory(baseDir.resolve("base_checkpoints").resolve(tag))) return Optional.empty();
        try {
            ModelCheckpoint ref = ModelCheckpoints.resolve(baseDir, "base", tag, null);
            if (Files.isRegularFile(ref.tokenizerDir().resolve("tokenizer.pkl"))) return Optional.of(ref);
            whyNot.append("no tokenizer.pkl in ").append(ref.tokenizerDir());
        } catch (IllegalArgumentException incomplete) {
            whyNot.append(incomplete.getMessage());
        }
        return Optional.empty();
    }

    /** A sampled continuation of {@code <|bos|>} (temperature 0.8, top-k 40), newlines shown as spaces. */
    public static String sample(ModelCheckpoint ref, int tokens, long seed) {
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            SamplingOptions s = new SamplingOptions(tokens, 0.8f, 40, seed, SamplingOptions.nanochatStops(tok));
            int[] out = new Generator(gpt)
                    .generate(new int[] {tok.bosId()}, s, Map.of(), t -> {})
                    .tokens();
            return tok.decode(out).replace('\n', ' ');
        }
    }
}

package dev.nanochat.sae.cli;

import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpointWriter;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.StateDictLayout;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerData;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerWriter;
import dev.nanochat.sae.nanochat.torch.StorageType;
import dev.nanochat.sae.train.SplitPattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `sae nanochat random-model`: writes a randomly initialised nanochat checkpoint (torch.save state dict
 * + meta JSON, nanochat's layout) and a tokenizer, for benchmarks at sizes no real checkpoint is at
 * hand for. Design notes:
 * - Every Linear is N(0, σ) with nanochat's σ = 1/√fan_in · min(1, √(fan_out/fan_in)), embedding
 *   N(0, 1); unlike nanochat's init, c_proj and lm_head are drawn too (not zeroed), so every hook
 *   and the logits carry non-trivial values.
 * - The tokenizer is byte-level plus two-byte printable-ASCII merges up to the vocabulary size,
 *   then nanochat's special tokens: a valid tiktoken BPE that tokenises real text.
 */
@Command(
        name = "random-model",
        description = "Write a randomly initialised nanochat checkpoint and tokenizer (for benchmarks)")
public final class NanochatRandomModelCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "nanochat base dir to write")
    Path out;

    @Option(names = "--depth", defaultValue = "12")
    int depth;

    @Option(names = "--width", defaultValue = "768")
    int width;

    @Option(names = "--heads", defaultValue = "6")
    int heads;

    @Option(names = "--kv-heads", description = "default: --heads")
    Integer kvHeads;

    @Option(names = "--vocab", defaultValue = "4096")
    int vocab;

    @Option(names = "--seq-len", defaultValue = "512")
    int seqLen;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() {
        ModelConfig config = new ModelConfig(seqLen, vocab, depth, heads, kvHeads == null ? heads : kvHeads, width);
        ModelCheckpoint ref = write(out, config, seed);
        System.out.println("wrote " + ref.modelFile() + " (" + ref.modelId() + ", " + config + ")");
        return 0;
    }

    /** Writes base_checkpoints/d{depth}/model_000000.pt, its meta and tokenizer/ under {@code base}. */
    public static ModelCheckpoint write(Path base, ModelConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : StateDictLayout.shapes(config).entrySet()) {
            long rows = e.getValue()[0], cols = e.getValue()[1];
            boolean embedding = e.getKey().equals("transformer.wte.weight");
            double std = embedding ? 1.0 : Math.min(1.0, Math.sqrt((double) rows / cols)) / Math.sqrt(cols);
            float[] w = new float[Math.toIntExact(rows * cols)];
            for (int i = 0; i < w.length; i++) w[i] = (float) (gaussian(rng) * std);
            weights.put(e.getKey(), w);
        }
        TokenizerWriter.write(base.resolve("tokenizer"), tokenizer(config.vocabSize()));
        return ModelCheckpointWriter.write(
                base, "base", "d" + config.nLayer(), 0, config, weights, StorageType.FLOAT, null);
    }

    private static double gaussian(SplittableRandom rng) { // Box–Muller, one value per call
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    static TokenizerData tokenizer(int vocab) {
        int specials = SplitPattern.SPECIAL_TOKENS.size();
        int ordinary = vocab - specials;
        if (ordinary < 256)
            throw new IllegalArgumentException(
                    "--vocab must be at least " + (256 + specials) + " (256 bytes + specials)");
        byte[][] ranks = new byte[ordinary][];
        for (int b = 0; b < 256; b++) ranks[b] = new byte[] {(byte) b};
        String printable = " etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLUCMFWYPVBGKJQXZ0123456789.,;:'\"!?-()";
        int r = 256;
        outer:
        for (int i = 0; i < printable.length(); i++) {
            for (int j = 0; j < printable.length(); j++) {
                if (r == ordinary) break outer;
                ranks[r++] = (printable.charAt(i) + "" + printable.charAt(j)).getBytes(StandardCharsets.US_ASCII);
            }
        }
        if (r < ordinary)
            throw new IllegalArgumentException(
                    "--vocab above " + (r + specials) + " is not supported by the synthetic tokenizer");
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (int i = 0; i < specials; i++) sp.put(SplitPattern.SPECIAL_TOKENS.get(i), ordinary + i);
        return new TokenizerData("random", SplitPattern.PATTERN, ranks, sp);
    }
}

package dev.nanochat.sae.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae bench nanochat`: forward tokens/s (logits included, not copied to the host), the GFLOP/s that
 * implies from the model's FLOPs/token, that as a fraction of a matmul peak measured in the same run
 * ([B·T, C] × [C, 4C], the MLP shape), and the tokenizer's encode MB/s.
 */
@Command(name = "nanochat", description = "nanochat forward throughput and tokenizer MB/s")
public final class BenchNanochatCommand implements Callable<Integer> {
    @Mixin NanochatInfoCommand.CheckpointOptions checkpoint;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--seq", defaultValue = "512") int seq;
    @Option(names = "--reps", defaultValue = "3") int reps;
    @Option(names = "--text-file", description = "text to tokenize (default: 4 MB synthesised from the vocabulary)") Path textFile;

    @Override public Integer call() throws Exception {
        ModelCheckpoint ref = checkpoint.resolve();
        ModelConfig c = ref.config();
        try (Gpt gpt = Gpt.load(ref, Device.cpu()); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Random rng = new Random(0);
            int[] ids = new int[batch * seq];
            for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(c.vocabSize());
            NDArray idx = m.create(ids, new Shape(batch, seq));
            double best = Double.MAX_VALUE;
            for (int r = 0; r <= reps; r++) {
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    gpt.run(idx, ForwardOptions.logitsOnly(), null, new HashMap<>()).getFloat(0, 0, 0);
                }
                if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9); // r = 0 warms up
            }
            double tokensPerSec = batch * seq / best;
            double gflops = tokensPerSec * c.forwardFlopsPerToken(seq) / 1e9;
            double peak = BenchGemmCommand.gflops(batch * seq, c.nEmbd(), 4 * c.nEmbd(), reps);
            System.out.printf(Locale.ROOT, "nanochat forward %s batch=%d seq=%d: %.0f tokens/s, %.1f GFLOP/s (%.3g FLOPs/token)%n",
                    ref.modelId(), batch, seq, tokensPerSec, gflops, c.forwardFlopsPerToken(seq));
            System.out.printf(Locale.ROOT, "matmul peak [%d,%d]x[%d,%d]: %.1f GFLOP/s -> forward at %.1f%% of peak%n",
                    batch * seq, c.nEmbd(), c.nEmbd(), 4 * c.nEmbd(), peak, 100 * gflops / peak);
        }
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        String text = textFile != null ? Files.readString(textFile) : synthesise(tok, 4 << 20);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        int n = 0;
        double secs = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) { // r = 0 lets the JIT compile the regex and BPE loops
            long t0 = System.nanoTime();
            n = tok.encodeOrdinary(text).length;
            if (r > 0) secs = Math.min(secs, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "tokenizer encode (1 thread): %.2f MB in %.2f s = %.2f MB/s (%d tokens, %.2f bytes/token)%n", mb, secs, mb / secs, n, mb * 1e6 / n);
        return 0;
    }

    /**
     * Random sequence of the vocabulary's multi-byte tokens that are valid UTF-8 on their own: text
     * with the tokenizer's own word statistics (single raw bytes would make invalid-UTF-8 noise).
     */
    private static String synthesise(Tokenizer tok, int bytes) {
        Random rng = new Random(1);
        java.util.List<String> pieces = new java.util.ArrayList<>();
        for (int id = 256; id < tok.vocabSize() - tok.specialTokens().size(); id++) {
            String s = tok.decode(new int[] {id});
            if (s.indexOf('\uFFFD') < 0) pieces.add(s);
        }
        StringBuilder out = new StringBuilder(bytes + 64);
        // Word boundaries keep regex pieces word-sized, as in prose (BPE cost grows with piece length).
        while (out.length() < bytes) {
            String piece = pieces.get(rng.nextInt(pieces.size()));
            out.append(Character.isWhitespace(piece.charAt(0)) || rng.nextInt(3) == 0 ? piece : " " + piece);
        }
        return out.toString();
    }
}

package dev.nanochat.sae.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardProfile;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae bench nanochat`: forward tokens/s (logits included, not copied to the host), the GFLOP/s that
 * implies from the model's FLOPs/token, and that as a fraction of the matmul peak measured in the same
 * run at the model's own shapes (every layer matmul, attention's batched matmuls, lm_head, run alone)
 * and at the MLP shape ([B·T, C] × [C, 4C]); optionally a per-stage breakdown against each stage's
 * GEMMs, KV-cache generation tokens/s at batch 1 and 8, and the tokenizer's encode MB/s.
 */
@Command(name = "nanochat", description = "nanochat forward throughput and tokenizer MB/s")
public final class BenchNanochatCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--seq", defaultValue = "512")
    int seq;

    @Option(names = "--reps", defaultValue = "3")
    int reps;

    @Option(
            names = "--gen-reps",
            defaultValue = "5",
            description = "timed generations per batch size; the median is printed (default: ${DEFAULT-VALUE})")
    int genReps;

    @Option(names = "--text-file", description = "text to tokenize (default: 4 MB synthesised from the vocabulary)")
    Path textFile;

    @Option(
            names = "--breakdown",
            description =
                    "also print where the forward's time goes, stage by stage, vs the GEMM time of each stage's shapes")
    boolean breakdown;

    @Option(
            names = "--generate",
            defaultValue = "0",
            description = "also time KV-cache generation of this many tokens at batch 1 and 8")
    int generate;

    @Option(names = "--no-tokenizer", description = "skip the tokenizer benchmark")
    boolean noTokenizer;

    @Override
    public Integer call() throws Exception {
        ModelCheckpoint ref = checkpoint.resolve();
        ModelConfig c = ref.config();
        try (Gpt gpt = Gpt.load(ref, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Random rng = new Random(0);
            int[] ids = new int[batch * seq];
            for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(c.vocabSize());
            NDArray idx = m.create(ids, new Shape(batch, seq));
            // Forward and the model's GEMMs alone alternate rep by rep, so both see the same load
            // on a shared machine; the fraction is taken per rep and the median reported.
            double flopsPerToken = c.forwardFlopsPerToken(seq);
            double best = Double.MAX_VALUE;
            List<Double> fractions = new ArrayList<>(), mlpFractions = new ArrayList<>();
            double bestShapes = 0, bestPeak = 0;
            for (int r = 0; r <= reps; r++) {
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    gpt.run(idx, ForwardOptions.logitsOnly(), null, new HashMap<>())
                            .getFloat(0, 0, 0);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (r == 0) continue; // warm-up
                best = Math.min(best, secs);
                double fwd = batch * seq * flopsPerToken / secs / 1e9;
                double[] g = ForwardProfile.gemmTotals(c, batch, seq, 0);
                double shapes = g[1] / g[0] / 1e9;
                double peak = BenchGemmCommand.gflops(batch * seq, c.nEmbd(), 4 * c.nEmbd(), 1);
                fractions.add(fwd / shapes);
                mlpFractions.add(fwd / peak);
                bestShapes = Math.max(bestShapes, shapes);
                bestPeak = Math.max(bestPeak, peak);
            }
            double tokensPerSec = batch * seq / best;
            double gflops = tokensPerSec * flopsPerToken / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "nanochat forward %s batch=%d seq=%d: %.0f tokens/s, %.1f GFLOP/s (%.4g FLOPs/token: every matmul incl. lm_head, causal attention)%n",
                    ref.modelId(),
                    batch,
                    seq,
                    tokensPerSec,
                    gflops,
                    flopsPerToken);
            System.out.printf(
                    Locale.ROOT,
                    "matmul peak at the model's shapes (each layer matmul, attention bmm, lm_head): %.1f GFLOP/s -> forward at %.1f%% of it (median of %d alternating reps: %s)%n",
                    bestShapes,
                    100 * median(fractions),
                    fractions.size(),
                    percents(fractions));
            System.out.printf(
                    Locale.ROOT,
                    "matmul peak [%d,%d]x[%d,%d]: %.1f GFLOP/s -> forward at %.1f%% of peak (per rep: %s)%n",
                    batch * seq,
                    c.nEmbd(),
                    c.nEmbd(),
                    4 * c.nEmbd(),
                    bestPeak,
                    100 * median(mlpFractions),
                    percents(mlpFractions));
            if (breakdown) printBreakdown(gpt, idx);
            if (generate > 0) {
                for (int b : new int[] {1, 8}) {
                    List<Double> runs = generationTokensPerSecond(gpt, b, generate, genReps);
                    double tps = median(runs);
                    System.out.printf(
                            Locale.ROOT,
                            "generation batch=%d (16-token prompt, %d new tokens, KV cache): %.1f tokens/s (%.1f ms/step; median of %d: %s)%n",
                            b,
                            generate,
                            tps,
                            1000.0 * b / tps,
                            runs.size(),
                            runs.stream()
                                    .map(r -> String.format(Locale.ROOT, "%.0f", r))
                                    .collect(java.util.stream.Collectors.joining(" ")));
                }
                if (breakdown) {
                    Map<String, Double> d = ForwardProfile.measureDecode(gpt, 1, generate);
                    double total =
                            d.values().stream().mapToDouble(Double::doubleValue).sum();
                    System.out.printf(
                            Locale.ROOT, "decode step breakdown, batch 1 (µs per step, all layers summed):%n");
                    d.forEach((k, v) ->
                            System.out.printf(Locale.ROOT, "  %-18s %8.1f  %5.1f%%%n", k, 1e6 * v, 100 * v / total));
                    System.out.printf(Locale.ROOT, "  %-18s %8.1f%n", "total", 1e6 * total);
                }
            }
        }
        if (noTokenizer) return 0;
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
        System.out.printf(
                Locale.ROOT,
                "tokenizer encode (1 thread): %.2f MB in %.2f s = %.2f MB/s (%d tokens, %.2f bytes/token)%n",
                mb,
                secs,
                mb / secs,
                n,
                mb * 1e6 / n);
        return 0;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        java.util.Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String percents(List<Double> xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f%%", 100 * x));
        return b.toString();
    }

    private void printBreakdown(Gpt gpt, NDArray idx) {
        Map<String, ForwardProfile.Stage> stages = ForwardProfile.measure(gpt, idx, Math.max(1, reps));
        double total = stages.values().stream()
                .mapToDouble(ForwardProfile.Stage::seconds)
                .sum();
        double gemm = stages.values().stream()
                .mapToDouble(ForwardProfile.Stage::gemmSeconds)
                .sum();
        System.out.printf(
                Locale.ROOT, "breakdown (all layers summed; gemm = the stage's matmuls alone at its shapes):%n");
        System.out.printf(Locale.ROOT, "  %-16s %9s %6s %9s %8s%n", "stage", "ms", "share", "gemm ms", "x gemm");
        for (ForwardProfile.Stage st : stages.values()) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-16s %9.1f %5.1f%% %9s %8s%n",
                    st.name(),
                    st.seconds() * 1e3,
                    100 * st.seconds() / total,
                    st.gemmSeconds() > 0 ? String.format(Locale.ROOT, "%.1f", st.gemmSeconds() * 1e3) : "-",
                    st.gemmSeconds() > 0 ? String.format(Locale.ROOT, "%.2f", st.seconds() / st.gemmSeconds()) : "-");
        }
        System.out.printf(
                Locale.ROOT,
                "  %-16s %9.1f %5.1f%% %9.1f %8.2f   (non-matmul stages: %.1f%% of the pass)%n",
                "total",
                total * 1e3,
                100.0,
                gemm * 1e3,
                total / gemm,
                100
                        * stages.values().stream()
                                .filter(x -> x.gemmSeconds() == 0)
                                .mapToDouble(ForwardProfile.Stage::seconds)
                                .sum()
                        / total);
    }

    /** Greedy decode through Generator (no stop tokens): new tokens per second over all rows, prefill included. */
    /** tokens/s of {@code reps} timed generations (prefill of a 16-token prompt included, as the peer's). */
    private static List<Double> generationTokensPerSecond(Gpt gpt, int b, int tokens, int reps) {
        Random rng = new Random(2);
        int[][] prompts = new int[b][16];
        for (int[] p : prompts)
            for (int i = 0; i < p.length; i++) p[i] = rng.nextInt(gpt.config().vocabSize());
        SamplingOptions opts = new SamplingOptions(tokens, 0f, 0, 0, java.util.Set.of());
        Generator g = new Generator(gpt);
        // warm-up: the JIT must have compiled the per-op Java paths (DJL's and ours) before timing,
        // as in a running service; a 4-token warm-up left most of a 64-token run interpreted
        for (int w = 0; w < 3; w++) g.generate(prompts, opts, Map.of(), null);
        List<Double> runs = new ArrayList<>();
        for (int r = 0; r < Math.max(1, reps); r++) {
            long t0 = System.nanoTime();
            Generator.Generation[] out = g.generate(prompts, opts, Map.of(), null);
            double s = (System.nanoTime() - t0) / 1e9;
            int n = 0;
            for (Generator.Generation x : out) n += x.tokens().length;
            runs.add(n / s);
        }
        return runs;
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

package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeRegistry;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.runtime.AttachedSae;
import dev.nanochat.sae.runtime.FeatureEdit;
import dev.nanochat.sae.runtime.FeatureSearch;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.runtime.TrackSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `sae bench runtime`: KV-cache generation tokens/s plain, with 1 and 4 SAEs tracked (top-N per token)
 * and with one additively steered feature, all in one run, rounds interleaved so machine noise hits
 * every variant alike; overheads are ratios to plain generation of the same round. Then the latency of
 * search-all (64 tokens, 4 SAEs) and of a plain 64-token forward with logits, p50/p95.
 * SAEs not given with --sae are synthesised (random unit decoder rows, W_enc = W_decᵀ, b_enc = 0, so
 * about half the latents fire: the worst case for host top-N) at resid_post of spread-out layers.
 */
@Command(name = "runtime", description = "sae-runtime: tracking/steering overhead on generation, search-all latency")
public final class BenchRuntimeCommand implements Callable<Integer> {
    @Mixin
    NanochatInfoCommand.CheckpointOptions checkpoint;

    @Option(names = "--sae", description = "SAELens folders (up to 4; the rest are synthesised)")
    List<Path> saeDirs = new ArrayList<>();

    @Option(names = "--tokens", defaultValue = "128", description = "tokens generated per run")
    int tokens;

    @Option(names = "--rounds", defaultValue = "7")
    int rounds;

    @Option(names = "--top", defaultValue = "16", description = "features tracked per token")
    int top;

    @Option(names = "--expansion", defaultValue = "8", description = "d_sae / d_model of synthesised SAEs")
    int expansion;

    @Option(names = "--search-iters", defaultValue = "60")
    int searchIters;

    @Override
    public Integer call() {
        ModelCheckpoint ref = checkpoint.resolve();
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            ModelConfig c = gpt.config();
            List<AttachedSae> saes = new ArrayList<>();
            for (Path p : saeDirs.subList(0, Math.min(4, saeDirs.size()))) saes.add(AttachedSae.load(p, c));
            for (int i = saes.size(); i < 4; i++) {
                HookPoint h = new HookPoint(Math.min(c.nLayer() - 1, i * c.nLayer() / 4), HookPoint.Kind.RESID_POST);
                saes.add(new AttachedSae("synthetic-" + i, synthetic(c.nEmbd(), c.nEmbd() * expansion, h, i), h));
            }
            try (SaeRuntime rt = new SaeRuntime(gpt, Tokenizer.load(ref.tokenizerDir()), saes)) {
                run(rt);
            } finally {
                saes.forEach(s -> s.sae().close());
            }
        }
        return 0;
    }

    private void run(SaeRuntime rt) {
        Gpt gpt = rt.gpt();
        int[] prompt = rt.encodeWithBos("It was the best of times, it was the worst of times,");
        SamplingOptions opts = new SamplingOptions(tokens, 0f, 0, 1, Set.of()); // fixed length: no stop tokens
        Map<String, Supplier<int[]>> variants = new LinkedHashMap<>();
        variants.put(
                "plain",
                () -> new Generator(gpt).generate(prompt, opts, Map.of(), null).tokens());
        variants.put("track 1 SAE", () -> rt.generate(prompt, opts, TrackSpec.topN(top, Set.of(0)), List.of(), null)
                .generation()
                .tokens());
        variants.put("track 4 SAEs", () -> rt.generate(
                        prompt, opts, TrackSpec.topN(top, Set.of(0, 1, 2, 3)), List.of(), null)
                .generation()
                .tokens());
        variants.put("steer 1 feature", () -> rt.generate(
                        prompt, opts, TrackSpec.none(), List.of(FeatureEdit.add(0, 1, 4f)), null)
                .generation()
                .tokens());
        List<String> names = new ArrayList<>(variants.keySet());
        double[][] secs = new double[names.size()][rounds];
        for (Supplier<int[]> v : variants.values()) v.get(); // warm-up (JIT, allocator, SAE device weights)
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < names.size(); j++) {
                int k = (j + r) % names.size(); // rotate the order so no variant always runs first
                long t0 = System.nanoTime();
                variants.get(names.get(k)).get();
                secs[k][r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        ModelConfig c = gpt.config();
        System.out.printf(
                Locale.ROOT,
                "sae-runtime generation, model %d layers x %d wide, vocab %d; %d tokens per run, median of %d rounds; SAEs:%n",
                c.nLayer(),
                c.nEmbd(),
                c.vocabSize(),
                tokens,
                rounds);
        for (AttachedSae s : rt.saes())
            System.out.printf(
                    Locale.ROOT, "  %s at %s, d_sae %d%n", s.id(), s.hook().name(), s.dSae());
        double plain = median(secs[0]);
        for (int k = 0; k < names.size(); k++) {
            // Per-round ratios to the same round's plain run, then the median: robust to drifting load.
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) ratio[r] = secs[k][r] / secs[0][r];
            System.out.printf(
                    Locale.ROOT,
                    "  %-16s %8.1f tokens/s   time ratio to plain %.3f (overhead %+.1f%%)%n",
                    names.get(k),
                    tokens / median(secs[k]),
                    median(ratio),
                    100 * (median(ratio) - 1));
        }
        searchLatency(rt);
    }

    private void searchLatency(SaeRuntime rt) {
        Random rng = new Random(5);
        int[] ids = new int[64];
        ids[0] = rt.tokenizer().bosId();
        for (int t = 1; t < ids.length; t++)
            ids[t] = rng.nextInt(
                    256,
                    rt.tokenizer().vocabSize() - rt.tokenizer().specialTokens().size());
        FeatureSearch search = new FeatureSearch(rt);
        double[] s = new double[searchIters], f = new double[searchIters];
        for (int i = -3; i < searchIters; i++) { // 3 warm-ups
            long t0 = System.nanoTime();
            search.searchAll(ids, List.of(0, 1, 2, 3), 20, true, new int[0]);
            long t1 = System.nanoTime();
            rt.forward(ids, TrackSpec.none(), List.of(), Set.of(), true);
            long t2 = System.nanoTime();
            if (i >= 0) {
                s[i] = (t1 - t0) / 1e6;
                f[i] = (t2 - t1) / 1e6;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "search-all 64 tokens x 4 SAEs, 20 results: p50 %.2f ms, p95 %.2f ms (plain 64-token forward with logits: p50 %.2f ms, p95 %.2f ms; p95 ratio %.2f)%n",
                pct(s, 50),
                pct(s, 95),
                pct(f, 50),
                pct(f, 95),
                pct(s, 95) / pct(f, 95));
    }

    static Sae synthetic(int d, int n, HookPoint hook, long seed) {
        Random r = new Random(seed);
        float[] wDec = new float[n * d], wEnc = new float[d * n];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) norm += Math.pow(wDec[i * d + j] = (float) r.nextGaussian(), 2);
            for (int j = 0; j < d; j++) wEnc[j * n + i] = wDec[i * d + j] /= (float) Math.sqrt(norm);
        }
        SaeConfig cfg =
                SaeConfig.builder("relu", d).dSae(n).hookPoint(hook.name()).build();
        Map<String, HostTensor> w = new LinkedHashMap<>();
        w.put("W_enc", HostTensor.of(wEnc, d, n));
        w.put("b_enc", HostTensor.of(new float[n], n));
        w.put("W_dec", HostTensor.of(wDec, n, d));
        w.put("b_dec", HostTensor.of(new float[d], d));
        return SaeRegistry.create("standard", cfg, w);
    }

    static double median(double[] a) {
        return pct(a, 50);
    }

    /** Nearest-rank percentile. */
    static double pct(double[] a, double p) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(p / 100 * s.length) - 1)];
    }
}

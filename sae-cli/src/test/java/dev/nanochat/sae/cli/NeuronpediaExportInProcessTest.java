package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeLensCfg;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.core.io.SaeLensFolder;
import dev.nanochat.sae.corpus.DefaultCorpus;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.neuronpedia.Fixtures;
import dev.nanochat.sae.neuronpedia.export.Checksums;
import dev.nanochat.sae.neuronpedia.export.ExportSchema;
import dev.nanochat.sae.neuronpedia.export.JsonLines;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `sae neuronpedia export` without any service: the real nanochat d2 fixture (n_embd 128, vocab 1024)
 * runs over real Europarl text, a seeded TopK SAE at blocks.1.hook_resid_post is analysed in-process,
 * and the package is checked against Neuronpedia's schema and against an independent recomputation
 * (the test's own tokenization, forward and dense encode, no sae-features code).
 */
class NeuronpediaExportInProcessTest {
    static final int D = 128, D_SAE = 48, K = 6, CONTEXT = 64, TOKENS = 3000;
    static final String HOOK = "blocks.1.hook_resid_post";
    /** Latents whose encoder row is zero with a very negative bias: they can never fire. */
    static final Set<Integer> NEVER_FIRE = Set.of(0, 1, 2);

    @TempDir
    static Path dir;

    static Path base, sae, corpus, out;
    static String stdout, stderr;

    @BeforeAll
    static void export() throws Exception {
        base = Path.of(
                NeuronpediaExportInProcessTest.class.getResource("/nanochat-d2").toURI());
        corpus = europarlSample(dir.resolve("europarl-sample.txt"), 40);
        sae = topK(dir.resolve("sae"));
        out = dir.resolve("pkg");
        String[] r = run(
                0,
                "neuronpedia",
                "export",
                "--sae",
                sae.toString(),
                "--base-dir",
                base.toString(),
                "--model-id",
                Fixtures.MODEL,
                "--source-set",
                Fixtures.SET,
                "--out",
                out.toString(),
                "--corpus",
                corpus.toString(),
                "--tokens",
                Integer.toString(TOKENS));
        stdout = r[0];
        stderr = r[1];
    }

    @Test
    void exportRowsFollowNeuronpediasSchemaAndDeadLatentsAreSkipped() throws Exception {
        Path export = out.resolve("export").resolve(Fixtures.MODEL).resolve("1-res-topk");
        List<JsonNode> neurons = ExportSchema.rows(export, "features");
        List<JsonNode> acts = ExportSchema.rows(export, "activations");
        ExportSchema.checkNeurons(neurons, "1-res-topk");
        int tops = ExportSchema.checkActivations(acts, neurons);
        assertTrue(tops >= neurons.size(), "every live latent has top activations");
        ExportSchema.checkSingleRows(export);
        assertEquals(List.of(), Checksums.verify(out));
        assertTrue(Files.isRegularFile(dir.resolve("pkg.tar.gz")));

        JsonNode skipped = JsonLines.JSON
                .readTree(out.resolve("dashboards/1-res-topk/skipped_indexes.json")
                        .toFile())
                .get("skipped_indexes");
        Set<Integer> dead = new TreeSet<>();
        skipped.forEach(n -> dead.add(n.asInt()));
        Set<Integer> exported = new HashSet<>();
        neurons.forEach(n -> exported.add(Integer.parseInt(n.get("index").asText())));
        assertTrue(dead.containsAll(NEVER_FIRE), "dead latents skipped: " + dead);
        for (int f = 0; f < D_SAE; f++) assertTrue(dead.contains(f) != exported.contains(f), "latent " + f);
        assertEquals(Recomputed.get().deadLatents(), dead, "dead = never fired in the independent pass");
        assertTrue(stdout.contains("features: " + exported.size() + " live, " + dead.size() + " dead"), stdout);
        assertTrue(stdout.contains("neuronpedia id: d2-000600/1-res-topk"), stdout);
        // progress went to stderr, the result to stdout
        assertTrue(stderr.contains("analyse ") && stderr.contains("dashboards "), stderr);
        assertTrue(stderr.contains("3000/3000 tok"), stderr);
        JsonNode source = JsonLines.read(export.resolve("source.jsonl")).get(0);
        assertEquals(CONTEXT, source.get("num_tokens_in_prompt").asInt());
    }

    @Test
    void dashboardsAgreeWithAnIndependentRecomputation() {
        Recomputed truth = Recomputed.get();
        Path export = out.resolve("export").resolve(Fixtures.MODEL).resolve("1-res-topk");
        Map<Integer, List<JsonNode>> actsOf = new HashMap<>();
        for (JsonNode a : ExportSchema.rows(export, "activations"))
            actsOf.computeIfAbsent(Integer.parseInt(a.get("index").asText()), i -> new ArrayList<>())
                    .add(a);
        List<JsonNode> neurons = ExportSchema.rows(export, "features");
        assertTrue(neurons.size() > 30, "most latents are live: " + neurons.size());
        for (JsonNode n : neurons) {
            int f = Integer.parseInt(n.get("index").asText());
            assertEquals(truth.max[f], n.get("maxActApprox").asDouble(), 1e-4, "maxActApprox of " + f);
            assertEquals(
                    (double) truth.count[f] / truth.tokens,
                    n.get("frac_nonzero").asDouble(),
                    1e-5,
                    "frac_nonzero of " + f);
            double topMax = Double.NEGATIVE_INFINITY;
            for (JsonNode a : actsOf.get(f)) {
                if (a.get("binMin").asDouble() == -1)
                    topMax = Math.max(topMax, a.get("maxValue").asDouble());
                // every recorded context is a real window, its values the latent's code on it
                assertTrue(
                        truth.isWindowOf(f, a.get("values")), "latent " + f + ": a recorded context matches no window");
            }
            assertEquals(truth.max[f], topMax, 1e-4, "the top example of " + f + " holds its max");
        }
    }

    @Test
    void saeLensFolderReadsBackEqualToTheCheckpoint() {
        SaeLensFolder.Contents orig = SaeLensFolder.read(sae);
        SaeLensFolder.Contents pkg = SaeLensFolder.read(out.resolve("saelens/1-res-topk"));
        assertEquals(orig.weights().keySet(), pkg.weights().keySet());
        orig.weights().forEach((name, t) -> {
            assertArrayEquals(t.shape(), pkg.weight(name).shape(), name);
            assertArrayEquals(t.data(), pkg.weight(name).data(), name);
        });
        JsonNode meta = pkg.cfg().get("metadata");
        assertEquals(Fixtures.MODEL + "/1-res-topk", meta.get("neuronpedia_id").asText());
        assertEquals(HOOK, meta.get("hook_name").asText());
        assertEquals(orig.cfg().get("k"), pkg.cfg().get("k"));
        float[] sparsity = pkg.sparsityOrNull();
        Recomputed truth = Recomputed.get();
        for (int f = 0; f < D_SAE; f++) {
            double expected = truth.count[f] == 0 ? -10 : Math.log10((double) truth.count[f] / truth.tokens);
            assertEquals(expected, sparsity[f], 1e-4, "log10 density of " + f);
        }
    }

    @Test
    void badInputIsRefusedWithAClearError() {
        String[] common = {
            "neuronpedia",
            "export",
            "--base-dir",
            base.toString(),
            "--model-id",
            Fixtures.MODEL,
            "--source-set",
            Fixtures.SET,
            "--out",
            dir.resolve("bad").toString()
        };
        String missing = run(
                1,
                with(
                        common,
                        "--sae",
                        sae.toString(),
                        "--corpus",
                        dir.resolve("nope.txt").toString()))[0];
        assertTrue(missing.contains("--corpus") && missing.contains("does not exist"), missing);
        String zero = run(1, with(common, "--sae", sae.toString(), "--corpus", corpus.toString(), "--tokens", "0"))[0];
        assertTrue(zero.contains("--tokens must be at least 2"), zero);
        Path narrow = Fixtures.saeFolder(dir.resolve("narrow"), 10); // d_in 8 at blocks.1.hook_resid_post
        String width = run(1, with(common, "--sae", narrow.toString(), "--corpus", corpus.toString()))[0];
        assertTrue(width.contains("SAE d_in 8 does not match") && width.contains("n_embd=128"), width);
        String both = run(
                1,
                with(common, "--sae", sae.toString(), "--corpus", corpus.toString(), "--dashboards-url", "http://x.y"))[
                0];
        assertTrue(both.contains("pass one or the other"), both);
        assertTrue(!Files.exists(dir.resolve("bad")), "nothing written for bad input");
    }

    /** The test's own pass: tokenize like nanochat pretrains, forward each window, dense encode. */
    record Recomputed(long tokens, int[] count, double[] max, List<float[]> windowCodes, List<Integer> lengths) {
        private static Recomputed cached;

        static synchronized Recomputed get() {
            if (cached == null) cached = compute();
            return cached;
        }

        Set<Integer> deadLatents() {
            Set<Integer> s = new TreeSet<>();
            for (int f = 0; f < D_SAE; f++) if (count[f] == 0) s.add(f);
            return s;
        }

        boolean isWindowOf(int f, JsonNode values) {
            for (int w = 0; w < windowCodes.size(); w++) {
                if (lengths.get(w) != values.size()) continue;
                float[] z = windowCodes.get(w);
                boolean same = true;
                for (int p = 0; p < values.size() && same; p++)
                    same = Math.abs(Math.max(0, z[p * D_SAE + f])
                                    - values.get(p).asDouble())
                            < 1e-4;
                if (same) return true;
            }
            return false;
        }

        private static Recomputed compute() {
            try {
                ModelCheckpoint ref = ModelCheckpoints.resolve(base, "base", null, null);
                Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
                HookPoint hook = HookPoint.parse(HOOK);
                int[] count = new int[D_SAE];
                double[] max = new double[D_SAE];
                List<float[]> codes = new ArrayList<>();
                List<Integer> lengths = new ArrayList<>();
                long used = 0;
                try (Gpt gpt = Gpt.load(ref, Device.cpu());
                        Sae s = Sae.load(sae)) {
                    for (String line : Files.readAllLines(corpus)) {
                        if (used >= TOKENS) break;
                        int[] ord = tok.encodeOrdinary(line);
                        int[] ids = new int[ord.length + 1];
                        ids[0] = tok.bosId();
                        System.arraycopy(ord, 0, ids, 1, ord.length);
                        for (int st = 0; st < ids.length && used < TOKENS; st += CONTEXT) {
                            int end = (int) Math.min(Math.min(ids.length, st + CONTEXT), st + (TOKENS - used));
                            if (end - st < 2) break;
                            int[] w = java.util.Arrays.copyOfRange(ids, st, end);
                            float[] x = gpt.forward(new int[][] {w}, ForwardOptions.captureOnly(Set.of(hook)))
                                    .activations(hook);
                            float[] z = s.encode(x, w.length);
                            for (int p = 0; p < w.length; p++)
                                for (int f = 0; f < D_SAE; f++) {
                                    float v = z[p * D_SAE + f];
                                    if (v > 0) {
                                        count[f]++;
                                        max[f] = Math.max(max[f], v);
                                    }
                                }
                            codes.add(z);
                            lengths.add(w.length);
                            used += w.length;
                        }
                    }
                }
                assertEquals(TOKENS, used, "the sample has enough text");
                return new Recomputed(used, count, max, codes, lengths);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The first {@code docs} Europarl bodies (the default corpus' own text), one per line. */
    static Path europarlSample(Path file, int docs) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(DefaultCorpus.class.getResourceAsStream(DefaultCorpus.FILE_NAME)),
                StandardCharsets.UTF_8))) {
            String l;
            while (lines.size() < docs && (l = r.readLine()) != null) {
                String[] parts = l.split("\t", 3);
                String body = parts.length == 3 ? parts[2].strip() : "";
                if (!body.isEmpty()) lines.add(body);
            }
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** A seeded TopK SAE on the d2 residual stream; {@link #NEVER_FIRE} latents are disabled. */
    static Path topK(Path out) {
        SaeConfig cfg = SaeConfig.builder("topk", D)
                .dSae(D_SAE)
                .k(K)
                .modelName(Fixtures.MODEL)
                .hookPoint(HOOK)
                .contextSize(CONTEXT)
                .datasetPath("europarl-sample")
                .build();
        ObjectNode json = SaeLensCfg.toJson(cfg, "topk");
        Random r = new Random(3);
        float[] wEnc = new float[D * D_SAE];
        float[] bEnc = new float[D_SAE];
        float[] wDec = new float[D_SAE * D];
        for (int i = 0; i < D; i++)
            for (int f = 0; f < D_SAE; f++)
                wEnc[i * D_SAE + f] = NEVER_FIRE.contains(f) ? 0 : (float) (r.nextGaussian() / Math.sqrt(D));
        for (int f = 0; f < D_SAE; f++) if (NEVER_FIRE.contains(f)) bEnc[f] = -1e4f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) (r.nextGaussian() / Math.sqrt(D));
        Map<String, HostTensor> w = new LinkedHashMap<>();
        w.put("W_enc", HostTensor.of(wEnc, D, D_SAE));
        w.put("b_enc", HostTensor.of(bEnc, D_SAE));
        w.put("W_dec", HostTensor.of(wDec, D_SAE, D));
        w.put("b_dec", HostTensor.of(new float[D], D));
        SaeLensFolder.write(out, json, w, null);
        return out;
    }

    static String[] with(String[] a, String... more) {
        String[] o = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, o, a.length, more.length);
        return o;
    }

    /** Runs the CLI; returns {everything printed, stderr alone}. */
    static String[] run(int expectedCode, String... args) {
        PrintStream outBefore = System.out, errBefore = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(), errBuf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBuf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new SaeCommand()).setExecutionExceptionHandler(new ErrorHandler());
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            String all = buf.toString(StandardCharsets.UTF_8) + err;
            String stderr = errBuf.toString(StandardCharsets.UTF_8);
            assertEquals(expectedCode, code, all + stderr);
            return new String[] {all + stderr, stderr};
        } finally {
            System.setOut(outBefore);
            System.setErr(errBefore);
        }
    }
}

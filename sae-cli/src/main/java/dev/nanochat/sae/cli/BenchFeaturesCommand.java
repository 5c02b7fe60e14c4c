package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.features.AnalysisSettings;
import dev.nanochat.sae.features.FeatureAnalysis;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.FeatureSink;
import dev.nanochat.sae.features.NeuronJson;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.features.SaeSummary;
import dev.nanochat.sae.features.TokenText;
import dev.nanochat.sae.features.Unembedding;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Feature analysis throughput and memory as a ratio to the encoder GEMM at peak measured in the same
 * run, and the p95 latency of a feature-page read (primary-key SELECT of the Neuron JSON + parse) from
 * PostgreSQL at the largest d_sae. Activations are seeded Gaussians through a seeded TopK SAE; the
 * results stored for the latency part are the analysis' own dashboards.
 */
@Command(
        name = "features",
        description = "Feature analysis throughput/memory vs the encoder GEMM; feature page p95 from PostgreSQL")
public final class BenchFeaturesCommand implements Callable<Integer> {
    @Option(names = "--d-sae", split = ",", defaultValue = "2048,16384")
    List<Integer> dSaes;

    @Option(names = "--d-in", defaultValue = "768")
    int dIn;

    @Option(names = "--k", defaultValue = "32")
    int k;

    @Option(names = "--tokens", defaultValue = "1000000")
    long tokens;

    @Option(names = "--batch", defaultValue = "4096", description = "rows per activation record")
    int batch;

    @Option(names = "--context", defaultValue = "128", description = "tokens per context window")
    int context;

    @Option(names = "--threads", defaultValue = "0", description = "analysis threads (0 = all cores)")
    int threads;

    @Option(
            names = "--db-url",
            defaultValue = "${env:SAE_DB_URL}",
            description = "PostgreSQL for the page latency (blank: skip)")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:SAE_DB_USER:-postgres}")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:SAE_DB_PASSWORD:-}")
    String dbPassword;

    @Option(names = "--page-reads", defaultValue = "2000")
    int pageReads;

    @Override
    public Integer call() throws Exception {
        int vocab = 4096;
        Random r = new Random(1);
        float[] wu = gaussian(r, vocab * dIn, 1f);
        String[] table = new String[vocab];
        for (int i = 0; i < vocab; i++) table[i] = "tok" + i;
        // A few distinct records cycled (generating 1M×d_in Gaussians would dominate the timing).
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 4; i++) pool.add(gaussian(r, batch * dIn, 1f));
        for (int n : dSaes) {
            // The GEMM peak is measured before and after the pass and the higher one is used: this
            // VM's peak drifts by up to 2x within minutes, and the ratio must not profit from a dip.
            double gemmBefore = BenchGemmCommand.gflops(batch, dIn, n, 3);
            Path dir = Files.createTempDirectory("bench-features-");
            try (Sae sae = topK(dir, n, r)) {
                SaeSource source = new SaeSource(
                        "bench-000001", "0-res-bench", "blocks.0.hook_resid_post", "bench", "bench:0", "topk", dIn, n);
                AnalysisSettings settings =
                        threads > 0 ? AnalysisSettings.defaults().withThreads(threads) : AnalysisSettings.defaults();
                long[] liveAfterGc = new long[4];
                long t0 = System.nanoTime();
                long t1, t2;
                try (FeatureAnalysis a = new FeatureAnalysis(
                        sae, source, new Unembedding(wu, vocab, dIn), new TokenText(table), settings, dir)) {
                    long seq = 0;
                    int quarter = 0;
                    for (long done = 0; done < tokens; done += batch) {
                        int rows = (int) Math.min(batch, tokens - done);
                        a.accept(record(seq, pool.get((int) (seq % pool.size())), rows, vocab));
                        seq++;
                        if ((done + rows) * 4 >= tokens * (quarter + 1) && quarter < 4)
                            liveAfterGc[quarter++] = liveHeap();
                    }
                    t1 = System.nanoTime();
                    boolean store = dbUrl != null && !dbUrl.isBlank() && n == dSaes.get(dSaes.size() - 1);
                    try (PageStore pages = store ? new PageStore(source) : null) {
                        a.finish("bench", Map.of(), new FeatureSink() {
                            public void feature(FeatureResult f) throws Exception {
                                if (pages != null) pages.add(f);
                            }

                            public void summary(SaeSummary s) {}
                        });
                        t2 = System.nanoTime();
                        if (pages != null) pages.time(n);
                    }
                }
                double passTokS = tokens / ((t1 - t0) / 1e9);
                double gemmAfter = BenchGemmCommand.gflops(batch, dIn, n, 3);
                double gemm = Math.max(gemmBefore, gemmAfter);
                double gemmTokS = gemm * 1e9 / (2.0 * dIn * n);
                System.out.printf(
                        Locale.ROOT,
                        "features d_sae=%d d_in=%d k=%d tokens=%d: pass %.0f tok/s, encoder GEMM at peak "
                                + "%.0f tok/s (%.1f GFLOP/s, the higher of %.1f before and %.1f after the pass) -> ratio %.2f; finish %.1f s; live heap after GC at 25/50/75/100%% of tokens: "
                                + "%s MB%n",
                        n,
                        dIn,
                        k,
                        tokens,
                        passTokS,
                        gemmTokS,
                        gemm,
                        gemmBefore,
                        gemmAfter,
                        passTokS / gemmTokS,
                        (t2 - t1) / 1e9,
                        Arrays.toString(
                                Arrays.stream(liveAfterGc).map(b -> b >> 20).toArray()));
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            }
        }
        return 0;
    }

    /** Feature rows in a scratch schema, written as the analysis delivers them, then timed random page reads. */
    private final class PageStore implements AutoCloseable {
        private final ObjectMapper json = new ObjectMapper();
        private final SaeSource source;
        private final Connection c;
        private final PreparedStatement ins;
        private long bytes;
        private int pending;

        PageStore(SaeSource source) throws Exception {
            this.source = source;
            c = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
            c.createStatement().execute("DROP SCHEMA IF EXISTS viz_bench CASCADE");
            c.createStatement().execute("CREATE SCHEMA viz_bench");
            // The viz-service table's shape (V1__dashboards.sql).
            c.createStatement()
                    .execute("CREATE TABLE viz_bench.feature (dashboard_id BIGINT NOT NULL, idx INT NOT NULL, "
                            + "frac_nonzero DOUBLE PRECISION NOT NULL, max_act REAL NOT NULL, blurb TEXT NOT NULL, neuron_json TEXT NOT NULL, "
                            + "PRIMARY KEY (dashboard_id, idx))");
            ins = c.prepareStatement("INSERT INTO viz_bench.feature VALUES (1, ?, ?, ?, ?, ?)");
        }

        void add(FeatureResult f) throws Exception {
            String j = json.writeValueAsString(NeuronJson.of(json, source, f));
            bytes += j.length();
            ins.setInt(1, f.index());
            ins.setDouble(2, f.fracNonzero());
            ins.setFloat(3, f.maxActivation());
            ins.setString(4, NeuronJson.blurb(f));
            ins.setString(5, j);
            ins.addBatch();
            if (++pending % 128 == 0) ins.executeBatch();
        }

        void time(int features) throws Exception {
            ins.executeBatch();
            c.createStatement().execute("ANALYZE viz_bench.feature");
            Random r = new Random(2);
            long[] ns = new long[pageReads];
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT neuron_json FROM viz_bench.feature WHERE dashboard_id = 1 AND idx = ?")) {
                for (int i = -200; i < pageReads; i++) { // 200 warm-up reads
                    long t0 = System.nanoTime();
                    q.setInt(1, r.nextInt(features));
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        json.readTree(rs.getString(1));
                    }
                    if (i >= 0) ns[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(ns);
            System.out.printf(
                    Locale.ROOT,
                    "feature page from PostgreSQL at %d features (%.0f KB JSON each): p50 %.2f ms, p95 %.2f ms, "
                            + "p99 %.2f ms over %d reads%n",
                    features,
                    bytes / 1024.0 / features,
                    ns[pageReads / 2] / 1e6,
                    ns[(int) (pageReads * 0.95)] / 1e6,
                    ns[(int) (pageReads * 0.99)] / 1e6,
                    pageReads);
        }

        @Override
        public void close() throws Exception {
            c.createStatement().execute("DROP SCHEMA IF EXISTS viz_bench CASCADE");
            c.close();
        }
    }

    private ActivationBatch record(long seq, float[] acts, int rows, int vocab) {
        int[] tok = new int[rows];
        long[] doc = new long[rows];
        int[] pos = new int[rows];
        for (int i = 0; i < rows; i++) {
            tok[i] = (int) ((seq * 7919 + i * 31L) % vocab);
            doc[i] = seq * batch / context + i / context;
            pos[i] = i % context;
        }
        float[] a = rows * dIn == acts.length ? acts : Arrays.copyOf(acts, rows * dIn);
        return new ActivationBatch(
                "bench",
                "bench-000001",
                "blocks.0.hook_resid_post",
                dIn,
                DType.F32,
                seq,
                Split.EVAL,
                1,
                a,
                tok,
                doc,
                pos);
    }

    private Sae topK(Path dir, int n, Random r) throws Exception {
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("d_in", dIn)
                .put("d_sae", n)
                .put("dtype", "float32")
                .put("device", "cpu")
                .put("apply_b_dec_to_input", true)
                .put("normalize_activations", "none")
                .put("reshape_activations", "none")
                .put("architecture", "topk")
                .put("k", k);
        cfg.putObject("metadata").put("model_name", "bench-000001").put("hook_name", "blocks.0.hook_resid_post");
        Path saeDir = Files.createDirectories(dir.resolve("sae"));
        Files.writeString(saeDir.resolve("cfg.json"), cfg.toPrettyString());
        new Safetensors.Writer()
                .f32("W_enc", new long[] {dIn, n}, gaussian(r, dIn * n, 0.05f))
                .f32("b_enc", new long[] {n}, new float[n])
                .f32("W_dec", new long[] {n, dIn}, gaussian(r, n * dIn, 0.05f))
                .f32("b_dec", new long[] {dIn}, new float[dIn])
                .write(saeDir.resolve("sae_weights.safetensors"));
        Sae sae = Sae.load(saeDir);
        Files.delete(saeDir.resolve("sae_weights.safetensors"));
        Files.delete(saeDir.resolve("cfg.json"));
        Files.delete(saeDir);
        return sae;
    }

    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static float[] gaussian(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }
}

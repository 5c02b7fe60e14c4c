package dev.nanochat.sae.features;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.kernels.SparseCodes;
import dev.nanochat.sae.core.records.ActivationBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One streaming pass over activation records that yields every latent's dashboard.
 *
 * <p>Design: {@link #accept} encodes each record with the SAE (dense GEMM, then sparse codes), cuts it
 * into context windows (consecutive positions of one document, as the collector packed them), spills the
 * windows' tokens and codes to disk ({@link ContextSpill}) and updates the bounded per-latent state
 * ({@link FeatureAccumulator}) in parallel, each thread owning a stripe of latents so no locks are
 * needed. {@link #finish} then works a chunk of latents at a time: it reads back only the windows chosen
 * as examples, computes the logit lens and decoder neighbours for the chunk, and hands each
 * {@link FeatureResult} to the sink. Memory is O(d_sae) plus one record and one chunk, whatever the
 * number of tokens; the spill file grows with tokens (≈ 4·(2 + 2·L0) bytes per token).
 */
public final class FeatureAnalysis implements AutoCloseable {
    // Rows encoded per GEMM: about 8M dense outputs (32 MB) at a time, at least 64 rows.
    private static final int ENCODE_FLOATS = 8 << 20;

    private final Sae sae;
    private final SaeSource source;
    private final Unembedding unembedding;
    private final TokenText text;
    private final AnalysisSettings settings;
    private final int dIn;
    private final int dSae;
    private final FeatureAccumulator acc;
    private final ContextSpill spill;
    private final ExecutorService pool;
    private long tokens;
    private int longestWindow;
    private volatile String phase = "reading";
    private volatile double finishFraction;

    public FeatureAnalysis(
            Sae sae,
            SaeSource source,
            Unembedding unembedding,
            TokenText text,
            AnalysisSettings settings,
            Path tempDir) {
        this.sae = sae;
        this.source = source;
        this.unembedding = unembedding;
        this.text = text;
        this.settings = settings;
        this.dIn = sae.config().dIn();
        this.dSae = sae.config().dSae();
        if (source.dIn() != dIn || source.dSae() != dSae) {
            throw new IllegalArgumentException("source says d_in=" + source.dIn() + ", d_sae=" + source.dSae()
                    + " but the SAE has " + dIn + ", " + dSae);
        }
        this.acc = new FeatureAccumulator(dSae, settings);
        this.spill = new ContextSpill(tempDir);
        this.pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "sae-features");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tokens analysed so far. */
    public long tokens() {
        return tokens;
    }

    /** "reading" during the pass, "finishing" while dashboards are assembled, "done" after. */
    public String phase() {
        return phase;
    }

    /** Fraction of latents assembled in the finishing phase. */
    public double finishFraction() {
        return finishFraction;
    }

    /** Streams one record in. Records of another hook or width are refused with the reason. */
    public void accept(ActivationBatch batch) {
        if (batch.dIn() != dIn) {
            throw new IllegalArgumentException(
                    "record " + batch + " has d_in " + batch.dIn() + ", the SAE expects " + dIn);
        }
        int rows = batch.rows();
        if (rows == 0) return;
        SparseCodes codes = encode(batch.activations(), rows);
        int[] tok = batch.tokenIds();
        long[] doc = batch.docIds();
        int[] pos = batch.positions();
        int[] windowOf = new int[rows];
        int[] posInWindow = new int[rows];
        int start = 0;
        for (int r = 1; r <= rows; r++) {
            boolean breaks =
                    r == rows || doc[r] != doc[r - 1] || pos[r] != pos[r - 1] + 1 || r - start >= (1 << 20) - 1;
            if (breaks) {
                int w = spill.append(
                        batch.sequence(),
                        start,
                        doc[start],
                        tok,
                        start,
                        r,
                        codes.rowPtr(),
                        codes.indices(),
                        codes.values());
                for (int i = start; i < r; i++) {
                    windowOf[i] = w;
                    posInWindow[i] = i - start;
                }
                longestWindow = Math.max(longestWindow, r - start);
                start = r;
            }
        }
        int threads = settings.threads();
        parallel(threads, t -> {
            int lo = (int) ((long) dSae * t / threads);
            int hi = (int) ((long) dSae * (t + 1) / threads);
            int[] ptr = codes.rowPtr();
            int[] idx = codes.indices();
            float[] val = codes.values();
            for (int r = 0; r < rows; r++) {
                long loc = FeatureAccumulator.location(windowOf[r], posInWindow[r]);
                for (int j = ptr[r]; j < ptr[r + 1]; j++) {
                    int f = idx[j];
                    if (f >= lo && f < hi && val[j] > 0) acc.add(f, val[j], loc);
                }
            }
        });
        tokens += rows;
    }

    private SparseCodes encode(float[] x, int rows) {
        final int chunkRows = Math.max(64, ENCODE_FLOATS / dSae);
        if (rows <= chunkRows) return sae.encodeSparse(x, rows);
        int[] rowPtr = new int[rows + 1];
        List<SparseCodes> parts = new ArrayList<>();
        int nnz = 0;
        for (int r0 = 0; r0 < rows; r0 += chunkRows) {
            int r1 = Math.min(rows, r0 + chunkRows);
            SparseCodes part = sae.encodeSparse(java.util.Arrays.copyOfRange(x, r0 * dIn, r1 * dIn), r1 - r0);
            for (int r = 0; r < r1 - r0; r++) rowPtr[r0 + r + 1] = nnz + part.rowPtr()[r + 1];
            nnz += part.nnz();
            parts.add(part);
        }
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int at = 0;
        for (SparseCodes p : parts) {
            System.arraycopy(p.indices(), 0, idx, at, p.nnz());
            System.arraycopy(p.values(), 0, val, at, p.nnz());
            at += p.nnz();
        }
        return new SparseCodes(rows, dSae, rowPtr, idx, val);
    }

    /**
     * Assembles and delivers every latent's result, then the summary. {@code dataset} names what was read;
     * {@code metrics} are the evaluator's when known (may be empty).
     */
    public void finish(String dataset, Map<String, Double> metrics, FeatureSink sink) throws Exception {
        if (tokens == 0) {
            throw new IllegalStateException("no activations were analysed for " + source.neuronpediaId());
        }
        phase = "finishing";
        float[] wDec = sae.weights().get("W_dec").data();
        try (DecoderProducts products = new DecoderProducts(wDec, dSae, dIn, unembedding, text, settings)) {
            int chunk = Math.min(settings.featureChunk(), dSae);
            for (int c0 = 0; c0 < dSae; c0 += chunk) {
                int c1 = Math.min(dSae, c0 + chunk);
                List<FeatureResult> results = chunk(c0, c1, products);
                for (FeatureResult r : results) sink.feature(r);
                finishFraction = (double) c1 / dSae;
            }
        }
        sink.summary(summary(dataset, metrics));
        phase = "done";
    }

    private List<FeatureResult> chunk(int c0, int c1, DecoderProducts products) {
        List<LogitLens> lenses = products.logitLens(c0, c1);
        List<List<Neighbour>> near = products.neighbours(c0, c1);
        // Which windows each latent of the chunk needs, so each window is read once for all of them.
        List<FeatureAccumulator.Pick>[] tops = new List[c1 - c0];
        List<FeatureAccumulator.Interval>[] ints = new List[c1 - c0];
        TreeMap<Integer, List<Integer>> needs = new TreeMap<>();
        for (int f = c0; f < c1; f++) {
            tops[f - c0] = acc.top(f);
            ints[f - c0] = acc.intervals(f, settings.intervalGroups());
            List<FeatureAccumulator.Pick> all = new ArrayList<>(tops[f - c0]);
            for (FeatureAccumulator.Interval in : ints[f - c0]) all.addAll(in.sample());
            for (FeatureAccumulator.Pick p : all) {
                List<Integer> l = needs.computeIfAbsent(FeatureAccumulator.window(p.loc()), w -> new ArrayList<>());
                if (l.isEmpty() || l.get(l.size() - 1) != f) l.add(f);
            }
        }
        Map<Long, ExampleContext> examples = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : needs.entrySet()) {
            ContextSpill.Window w = spill.read(e.getKey());
            List<String> strings = new ArrayList<>(w.tokens().length);
            for (int t : w.tokens()) strings.add(text.raw(t));
            Map<Integer, float[]> valuesByLatent = new HashMap<>();
            for (int f : e.getValue()) valuesByLatent.put(f, new float[w.tokens().length]);
            for (int p = 0; p < w.tokens().length; p++) {
                for (int j = w.rowPtr()[p]; j < w.rowPtr()[p + 1]; j++) {
                    float[] v = valuesByLatent.get(w.indices()[j]);
                    if (v != null) v[p] = w.values()[j];
                }
            }
            for (Map.Entry<Integer, float[]> fv : valuesByLatent.entrySet()) {
                // Key: latent and window; the qualifying position is set per example below.
                examples.put(
                        ((long) fv.getKey() << 32) | e.getKey(),
                        new ExampleContext(
                                w.sequence(), w.firstRow(), w.docId(), w.tokens(), strings, fv.getValue(), 0));
            }
        }
        List<FeatureResult> out = new ArrayList<>(c1 - c0);
        for (int f = c0; f < c1; f++) {
            List<ExampleGroup> groups = new ArrayList<>();
            if (acc.count[f] > 0) {
                groups.add(new ExampleGroup(
                        ExampleGroup.Kind.TOP, -1, acc.max[f], -1, acc.count[f], contexts(f, tops[f - c0], examples)));
                for (FeatureAccumulator.Interval in : ints[f - c0]) {
                    groups.add(new ExampleGroup(
                            ExampleGroup.Kind.INTERVAL,
                            in.binMin(),
                            in.binMax(),
                            (double) in.count() / acc.count[f],
                            in.count(),
                            contexts(f, in.sample(), examples)));
                }
            }
            double mean = acc.count[f] == 0 ? 0 : acc.sum[f] / acc.count[f];
            out.add(new FeatureResult(
                    f,
                    acc.count[f],
                    tokens,
                    acc.max[f],
                    mean,
                    groups,
                    acc.histogram(f),
                    lenses.get(f - c0),
                    near.get(f - c0),
                    List.of()));
        }
        return out;
    }

    private static List<ExampleContext> contexts(
            int f, List<FeatureAccumulator.Pick> picks, Map<Long, ExampleContext> ex) {
        List<ExampleContext> out = new ArrayList<>(picks.size());
        for (FeatureAccumulator.Pick p : picks) {
            ExampleContext base = ex.get(((long) f << 32) | FeatureAccumulator.window(p.loc()));
            int q = FeatureAccumulator.position(p.loc());
            if (base.value(q) != p.value()) {
                throw new IllegalStateException("latent " + f + ": spilled window disagrees with the pass at " + q
                        + " (" + base.value(q) + " vs " + p.value() + ")");
            }
            out.add(new ExampleContext(
                    base.sequence(), base.firstRow(), base.docId(), base.tokenIds(), base.tokens(), base.values(), q));
        }
        return out;
    }

    private SaeSummary summary(String dataset, Map<String, Double> metrics) {
        float[] log10 = new float[dSae];
        List<Double> live = new ArrayList<>();
        int dead = 0, dense = 0, dense1 = 0;
        for (int f = 0; f < dSae; f++) {
            if (acc.count[f] == 0) {
                dead++;
                log10[f] = -10f;
                continue;
            }
            double frac = (double) acc.count[f] / tokens;
            log10[f] = (float) Math.log10(frac);
            live.add(Math.log10(frac));
            if (frac > settings.denseThreshold()) dense++;
            if (frac > 0.01) dense1++;
        }
        double[] lv = live.stream().mapToDouble(Double::doubleValue).toArray();
        return new SaeSummary(
                source,
                dataset,
                tokens,
                spill.windows(),
                longestWindow,
                Histograms.evenBars(lv, settings.densityHistogramBars()),
                dead,
                dense,
                dense1,
                log10,
                metrics);
    }

    private interface Stripe {
        void run(int t);
    }

    private void parallel(int threads, Stripe body) {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit(() -> body.run(tt)));
        }
        body.run(0);
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        spill.close();
    }
}

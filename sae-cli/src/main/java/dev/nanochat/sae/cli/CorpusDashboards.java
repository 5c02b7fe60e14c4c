package dev.nanochat.sae.cli;

import ai.djl.Device;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.features.AnalysisSettings;
import dev.nanochat.sae.features.FeatureAnalysis;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.FeatureSink;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.features.SaeSummary;
import dev.nanochat.sae.features.TokenText;
import dev.nanochat.sae.features.Unembedding;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.neuronpedia.FeatureResults;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Dashboards computed in-process, without the services: nanochat runs over corpus windows, the
 * activations at the SAE's hook stream through sae-features' {@link FeatureAnalysis} (the analysis
 * viz-service runs on the collector's records), and {@link FeatureResults} turns the results into
 * the neuronpedia module's dashboards.
 *
 * <p>Design: one window per forward ([1, L], positions from 0), as sae eval captures, so every row is
 * a true activation of its window's prefix; rows are handed to the analysis in records of about
 * {@value #RECORD_ROWS} (one encode GEMM each) rather than per window. Only the current record is held:
 * the analysis spills windows to a temp directory, deleted afterwards.
 */
final class CorpusDashboards {
    static final int RECORD_ROWS = 1024;

    private CorpusDashboards() {}

    static SaeDashboards compute(
            Sae sae,
            SaeSource source,
            ModelCheckpoint model,
            HookPoint hook,
            Corpus corpus,
            String dataset,
            long tokens,
            int window,
            AnalysisSettings settings)
            throws Exception {
        Tokenizer tok = Tokenizer.load(model.tokenizerDir());
        List<int[]> windows = HeldOutText.fromCorpus(corpus, tok, window, tokens);
        long total = windows.stream().mapToLong(w -> w.length).sum();
        int d = sae.config().dIn();
        Path tmp = Files.createTempDirectory("sae-export-");
        FeatureResults results = new FeatureResults();
        try (Gpt gpt = Gpt.load(model, Device.cpu());
                FeatureAnalysis analysis =
                        new FeatureAnalysis(sae, source, Unembedding.of(model), TokenText.of(tok), settings, tmp)) {
            try (ProgressBar bar = ProgressBar.onStderr("analyse", total, "tok")) {
                Record rec = new Record(source.hookName(), model.modelId(), d);
                for (int i = 0; i < windows.size(); i++) {
                    int[] w = windows.get(i);
                    float[] act = gpt.forward(new int[][] {w}, ForwardOptions.captureOnly(Set.of(hook)))
                            .activations(hook);
                    rec.add(act, w, i);
                    if (rec.rows >= RECORD_ROWS) analysis.accept(rec.take());
                    bar.update(analysis.tokens() + rec.rows);
                }
                if (rec.rows > 0) analysis.accept(rec.take());
                bar.update(analysis.tokens());
            }
            try (ProgressBar bar = ProgressBar.onStderr("dashboards", source.dSae(), "features")) {
                analysis.finish(dataset, Map.of(), new FeatureSink() {
                    @Override
                    public void feature(FeatureResult r) {
                        results.feature(r);
                        bar.step(1);
                    }

                    @Override
                    public void summary(SaeSummary s) {
                        results.summary(s);
                    }
                });
            }
        } finally {
            deleteTree(tmp);
        }
        return results.dashboards();
    }

    /** Rows gathered for one analysis record: activations [rows, d] plus token, window and position. */
    private static final class Record {
        final String hook;
        final String modelId;
        final int d;
        long sequence;
        int rows;
        float[] act = new float[0];
        int[] tokens = new int[0];
        long[] docs = new long[0];
        int[] positions = new int[0];

        Record(String hook, String modelId, int d) {
            this.hook = hook;
            this.modelId = modelId;
            this.d = d;
        }

        void add(float[] a, int[] ids, long doc) {
            int n = ids.length;
            if (rows + n > tokens.length) { // grow by doubling: a record collects many windows
                int cap = Math.max(2 * tokens.length, rows + n);
                act = Arrays.copyOf(act, cap * d);
                tokens = Arrays.copyOf(tokens, cap);
                docs = Arrays.copyOf(docs, cap);
                positions = Arrays.copyOf(positions, cap);
            }
            System.arraycopy(a, 0, act, rows * d, n * d);
            System.arraycopy(ids, 0, tokens, rows, n);
            for (int p = 0; p < n; p++) {
                docs[rows + p] = doc;
                positions[rows + p] = p;
            }
            rows += n;
        }

        ActivationBatch take() {
            ActivationBatch b = new ActivationBatch(
                    "sae-neuronpedia-export",
                    modelId,
                    hook,
                    d,
                    DType.F32,
                    sequence++,
                    Split.EVAL,
                    1,
                    Arrays.copyOf(act, rows * d),
                    Arrays.copyOf(tokens, rows),
                    Arrays.copyOf(docs, rows),
                    Arrays.copyOf(positions, rows));
            rows = 0;
            return b;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the analysis' temp directory " + dir, e);
        }
    }
}

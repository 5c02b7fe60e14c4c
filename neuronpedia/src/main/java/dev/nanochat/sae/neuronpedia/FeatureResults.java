package dev.nanochat.sae.neuronpedia;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.FeatureSink;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.features.SaeSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * sae-features' analysis results → {@link SaeDashboards}. Also a {@link FeatureSink}, so an analysis
 * can deliver straight into a package build (what {@code sae neuronpedia export} does in-process).
 *
 * <p>Design: there is one mapping from a {@link FeatureResult} to Neuronpedia's fields,
 * sae-features' {@link dev.nanochat.sae.features.NeuronJson#of} (what viz-service stores and serves),
 * and one reader of those fields, {@link NeuronJson#toDashboard} (what a package built from viz's read
 * API uses). A result goes through both here, so a package built in-process and one built from a
 * viz-service that ran the same analysis hold the same dashboards by construction. The per-SAE names
 * (model id, source id, hook, dataset, window count and length) come from the summary's source.
 */
public final class FeatureResults implements FeatureSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<FeatureResult> results = new ArrayList<>();
    private SaeSummary summary;

    @Override
    public synchronized void feature(FeatureResult result) {
        results.add(result);
    }

    @Override
    public synchronized void summary(SaeSummary s) {
        summary = s;
    }

    /** The collected dashboards; fails when the analysis delivered no summary (it did not finish). */
    public synchronized SaeDashboards dashboards() {
        if (summary == null)
            throw new IllegalStateException("the feature analysis delivered no summary: it did not finish");
        return of(summary, results);
    }

    public static SaeDashboards of(SaeSummary s, List<FeatureResult> results) {
        SaeSource src = s.source();
        List<FeatureDashboard> fs = new ArrayList<>(results.size());
        for (FeatureResult r : results) fs.add(dashboard(src, r));
        return new SaeDashboards(
                src.modelId(),
                src.setName(),
                src.layer(),
                src.hookName(),
                s.dataset(),
                (int) Math.min(Integer.MAX_VALUE, s.contexts()),
                s.contextLength(),
                src.dSae(),
                fs);
    }

    public static FeatureDashboard dashboard(SaeSource source, FeatureResult r) {
        return NeuronJson.toDashboard(dev.nanochat.sae.features.NeuronJson.of(JSON, source, r));
    }
}

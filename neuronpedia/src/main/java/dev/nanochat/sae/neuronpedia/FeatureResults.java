package dev.nanochat.sae.neuronpedia;

import dev.nanochat.sae.features.ExampleContext;
import dev.nanochat.sae.features.ExampleGroup;
import dev.nanochat.sae.features.Explanation;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.FeatureSink;
import dev.nanochat.sae.features.Neighbour;
import dev.nanochat.sae.features.SaeSummary;
import dev.nanochat.sae.features.TokenValue;
import java.util.ArrayList;
import java.util.List;

/**
 * sae-features' analysis results → {@link SaeDashboards}. Also a {@link FeatureSink}, so an analysis
 * can deliver straight into a package build.
 *
 * <p>Mapping: density = nonzeroCount / tokenCount; every group's examples become activation examples
 * carrying the group's bounds (top group −1/max/−1, intervals [binMin, binMax) and their share); the
 * logit lens gives the pos_, neg_ and logits_hist_ columns; the activation histogram gives freq_hist_;
 * neighbours give topkCosSim*; names (model id, source id, hook, dataset, window count and length)
 * come from the summary's source.
 */
public final class FeatureResults implements FeatureSink {
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
        var src = s.source();
        List<FeatureDashboard> fs = new ArrayList<>(results.size());
        for (FeatureResult r : results) fs.add(dashboard(r));
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

    public static FeatureDashboard dashboard(FeatureResult r) {
        List<ActivationExample> acts = new ArrayList<>();
        for (ExampleGroup g : r.groups()) {
            for (ExampleContext e : g.examples()) {
                float[] v = e.values();
                double[] d = new double[v.length];
                for (int i = 0; i < v.length; i++) d[i] = v[i];
                acts.add(new ActivationExample(
                        e.tokens(), d, g.binMin(), g.binMax(), g.binContains(), e.qualifyingTokenIndex()));
            }
        }
        var lens = r.logitLens();
        int[] nIdx = new int[r.neighbours().size()];
        double[] nCos = new double[nIdx.length];
        for (int i = 0; i < nIdx.length; i++) {
            Neighbour n = r.neighbours().get(i);
            nIdx[i] = n.index();
            nCos[i] = n.cosine();
        }
        return new FeatureDashboard(
                r.index(),
                r.fracNonzero(),
                r.maxActivation(),
                lens.top().stream().map(TokenValue::token).toList(),
                values(lens.top()),
                lens.bottom().stream().map(TokenValue::token).toList(),
                values(lens.bottom()),
                r.activationHistogram().barHeights(),
                r.activationHistogram().barValues(),
                lens.histogram().barHeights(),
                lens.histogram().barValues(),
                nIdx,
                nCos,
                acts,
                r.explanations().stream().map(Explanation::description).toList());
    }

    private static double[] values(List<TokenValue> tv) {
        double[] out = new double[tv.size()];
        for (int i = 0; i < out.length; i++) out[i] = tv.get(i).value();
        return out;
    }
}

package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.ActivationExample;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Dashboards → Neuronpedia's bulk-export rows. Pure functions: the same dashboards and spec give the
 * same rows, ids included.
 *
 * <p>Design: Activation and Explanation ids are {@code c} + 24 hex digits of sha256 over
 * model/source/index/kind/ordinal (cuid-shaped, unique, stable), so importing twice inserts nothing
 * new. Dead features get no rows (SAEDashboard skips them too; a page needs one activation). Floats
 * are rounded to 5 decimals like SAEDashboard's output.
 */
public final class ExportRows {
    private static final String[] NONE = new String[0];

    private ExportRows() {}

    public static List<NeuronRow> neurons(SaeDashboards d, PackageSpec spec) {
        List<NeuronRow> out = new ArrayList<>();
        for (FeatureDashboard f : d.live()) {
            out.add(new NeuronRow(
                    d.modelId(),
                    d.sourceId(),
                    Integer.toString(f.index()),
                    spec.creatorId(),
                    spec.createdAt().toString(),
                    round(f.maxActApprox()),
                    false,
                    new double[0],
                    "",
                    0,
                    d.hookName(),
                    f.topkCosSimIndices().clone(),
                    round(f.topkCosSimValues()),
                    f.negStr().toArray(NONE),
                    round(f.negValues()),
                    f.posStr().toArray(NONE),
                    round(f.posValues()),
                    round(f.fracNonzero()),
                    round(f.freqHistHeights()),
                    round(f.freqHistValues()),
                    round(f.logitsHistHeights()),
                    round(f.logitsHistValues()),
                    new double[0]));
        }
        return out;
    }

    public static List<ActivationRow> activations(SaeDashboards d, PackageSpec spec, FeatureDashboard f) {
        List<ActivationRow> out = new ArrayList<>();
        List<ActivationExample> acts = f.activations();
        for (int k = 0; k < acts.size(); k++) {
            ActivationExample a = acts.get(k);
            double[] values = round(a.values());
            out.add(new ActivationRow(
                    id(d, f.index(), "act", k),
                    a.tokens().toArray(NONE),
                    values,
                    Integer.toString(f.index()),
                    d.sourceId(),
                    d.modelId(),
                    spec.creatorId(),
                    max(values),
                    argmax(values),
                    min(values),
                    new double[0],
                    new double[0],
                    round(a.binMin()),
                    round(a.binMax()),
                    round(a.binContains()),
                    a.qualifyingTokenIndex(),
                    spec.createdAt().toString()));
        }
        return out;
    }

    public static List<ExplanationRow> explanations(SaeDashboards d, PackageSpec spec, FeatureDashboard f) {
        List<ExplanationRow> out = new ArrayList<>();
        for (int k = 0; k < f.explanations().size(); k++) {
            out.add(new ExplanationRow(
                    id(d, f.index(), "expl", k),
                    d.modelId(),
                    d.sourceId(),
                    Integer.toString(f.index()),
                    f.explanations().get(k),
                    spec.creatorId(),
                    "oai_token-act-pair",
                    null));
        }
        return out;
    }

    public static SourceRow source(SaeDashboards d, PackageSpec spec, ObjectNode saelensCfg) {
        return new SourceRow(
                d.sourceId(),
                d.modelId(),
                d.sourceSetName(),
                spec.creatorId(),
                true,
                false,
                spec.visibility(),
                saelensCfg,
                d.sourceSetName(),
                d.sourceId(),
                d.nPromptsTotal(),
                d.nTokensInPrompt(),
                d.dataset(),
                "hook " + d.hookName());
    }

    public static SourceSetRow sourceSet(SaeDashboards d, PackageSpec spec) {
        return new SourceSetRow(
                d.modelId(),
                d.sourceSetName(),
                spec.creatorId(),
                spec.creatorName(),
                spec.description() == null ? "" : spec.description(),
                "sae",
                NONE,
                spec.visibility(),
                releaseName(d),
                1,
                true,
                true);
    }

    public static ModelRow model(PackageSpec spec) {
        String t = spec.createdAt().toString();
        return new ModelRow(
                spec.modelId(),
                false,
                spec.creatorId(),
                spec.modelId(),
                spec.modelId(),
                spec.dModel(),
                spec.visibility(),
                spec.modelLayers(),
                spec.neuronsPerLayer(),
                spec.creatorName(),
                false,
                t,
                t);
    }

    public static ReleaseRow release(SaeDashboards d, PackageSpec spec) {
        String desc = spec.description() == null ? "" : spec.description();
        return new ReleaseRow(
                releaseName(d),
                "1",
                true,
                false,
                desc,
                desc,
                NONE,
                spec.creatorName(),
                spec.creatorName(),
                spec.creatorId(),
                spec.visibility(),
                d.sourceSetName(),
                d.sourceId(),
                spec.createdAt().toString());
    }

    /** Release names are global on Neuronpedia: qualify the set by its model. */
    static String releaseName(SaeDashboards d) {
        return d.modelId() + "-" + d.sourceSetName();
    }

    static String id(SaeDashboards d, int index, String kind, int ordinal) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((d.modelId() + "/" + d.sourceId() + "/" + index + "/" + kind + "/" + ordinal)
                            .getBytes(StandardCharsets.UTF_8));
            return "c" + HexFormat.of().formatHex(h).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static double round(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("non-finite value " + v + " cannot be exported");
        return Math.round(v * 1e5) / 1e5;
    }

    public static double[] round(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = round(v[i]);
        return out;
    }

    static double max(double[] v) {
        return v[argmax(v)];
    }

    static double min(double[] v) {
        double m = v[0];
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}

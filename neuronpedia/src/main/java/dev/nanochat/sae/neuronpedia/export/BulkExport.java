package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Neuronpedia's bulk export layout, {@code {modelId}/{sourceId}/}: release, model, sourceset and
 * source as one-line jsonl files, and features/activations/explanations as {@code batch-N.jsonl.gz}.
 *
 * <p>Design: batch N of every kind covers the same features (live features in index order, chunked by
 * {@code featuresPerFile}), so a reader can stream one batch without the others. A chunk without
 * explanations writes no explanations file (an empty file breaks the import); a package with no live
 * feature fails here, loudly, instead of producing an export Neuronpedia cannot show.
 */
public final class BulkExport {
    private BulkExport() {}

    /** Writes under {@code root/{modelId}/{sourceId}} and returns that directory. */
    public static Path write(Path root, SaeDashboards d, PackageSpec spec, ObjectNode saelensCfg) {
        List<FeatureDashboard> live = d.live();
        if (live.isEmpty())
            throw new IllegalArgumentException(
                    d.modelId() + "/" + d.sourceId() + ": every feature is dead; nothing to export");
        Path dir = root.resolve(d.modelId()).resolve(d.sourceId());
        JsonLines.write(dir.resolve("release.jsonl"), List.of(ExportRows.release(d, spec)));
        JsonLines.write(dir.resolve("model.jsonl"), List.of(ExportRows.model(spec)));
        JsonLines.write(dir.resolve("sourceset.jsonl"), List.of(ExportRows.sourceSet(d, spec)));
        JsonLines.write(dir.resolve("source.jsonl"), List.of(ExportRows.source(d, spec, saelensCfg)));
        List<NeuronRow> neurons = ExportRows.neurons(d, spec);
        int per = spec.featuresPerFile();
        for (int b = 0, from = 0; from < live.size(); b++, from += per) {
            int to = Math.min(live.size(), from + per);
            JsonLines.write(dir.resolve("features/batch-" + b + ".jsonl.gz"), neurons.subList(from, to));
            List<ActivationRow> acts = new ArrayList<>();
            List<ExplanationRow> expls = new ArrayList<>();
            for (FeatureDashboard f : live.subList(from, to)) {
                acts.addAll(ExportRows.activations(d, spec, f));
                expls.addAll(ExportRows.explanations(d, spec, f));
            }
            JsonLines.write(dir.resolve("activations/batch-" + b + ".jsonl.gz"), acts);
            if (!expls.isEmpty()) JsonLines.write(dir.resolve("explanations/batch-" + b + ".jsonl.gz"), expls);
        }
        return dir;
    }
}

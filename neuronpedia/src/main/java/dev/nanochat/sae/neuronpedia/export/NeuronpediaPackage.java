package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.io.AtomicDirectory;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds one package directory and its archive:
 * <pre>
 * {out}/README.md, metadata.json, SHA256SUMS
 * {out}/saelens/{sourceId}/         SAELens folder (cfg.json, sae_weights, sparsity)
 * {out}/dashboards/{sourceId}/      SAEDashboard batch-N.json + skipped_indexes.json
 * {out}/export/{modelId}/{sourceId}/ Neuronpedia bulk export
 * {out}.tar.gz                      all of the above under {out's name}/
 * </pre>
 * The directory is installed atomically (a crash leaves the old package or none, never half of one)
 * and the archive is written after it, so an archive always matches a complete package.
 */
public final class NeuronpediaPackage {
    public static final String SAELENS = "saelens";
    public static final String DASHBOARDS = "dashboards";
    public static final String EXPORT = "export";

    private NeuronpediaPackage() {}

    public record Built(Path dir, Path archive, int liveFeatures, int deadFeatures) {}

    public static Built build(PackageRequest r, Path out) {
        SaeDashboards d = r.dashboards();
        if (d.live().isEmpty())
            throw new IllegalArgumentException(
                    d.modelId() + "/" + d.sourceId() + " has no live feature: nothing to package");
        AtomicDirectory.write(out, tmp -> {
            ObjectNode cfg = SaeLensPackage.write(r.saeDir(), tmp.resolve(saelensDir(d)), d);
            DashboardBatches.write(tmp.resolve(dashboardsDir(d)), d, r.spec().dashboardBatchSize());
            BulkExport.write(tmp.resolve(EXPORT), d, r.spec(), cfg);
            Files.write(
                    tmp.resolve(ModelCard.METADATA),
                    JsonLines.JSON
                            .copy()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsBytes(ModelCard.metadata(r, cfg)));
            Files.writeString(tmp.resolve("README.md"), ModelCard.readme(r, cfg), StandardCharsets.UTF_8);
            Checksums.write(tmp);
        });
        Path archive = archiveOf(out);
        TarGz.write(
                out, out.getFileName().toString(), archive, r.spec().createdAt().getEpochSecond());
        return new Built(out, archive, d.live().size(), d.deadIndexes().size());
    }

    public static Path archiveOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".tar.gz");
    }

    static String saelensDir(SaeDashboards d) {
        return SAELENS + "/" + d.sourceId();
    }

    static String dashboardsDir(SaeDashboards d) {
        return DASHBOARDS + "/" + d.sourceId();
    }

    static String exportDir(SaeDashboards d) {
        return EXPORT + "/" + d.modelId() + "/" + d.sourceId();
    }
}

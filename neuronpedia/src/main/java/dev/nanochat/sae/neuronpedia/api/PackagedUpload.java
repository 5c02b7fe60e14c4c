package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import dev.nanochat.sae.neuronpedia.export.DashboardBatches;
import dev.nanochat.sae.neuronpedia.export.JsonLines;
import dev.nanochat.sae.neuronpedia.export.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The upload plan of a built package: metadata.json names the model, source set and layers, the
 * SAEDashboard batches give the features, the bulk export's explanations rows their texts. Uploading
 * from the package (not from live dashboards) means what is sent is exactly what was checksummed.
 */
public final class PackagedUpload {
    private PackagedUpload() {}

    public static UploadPlan plan(Path packageDir, UploadPlan.Limits limits) {
        Path metaFile = packageDir.resolve(ModelCard.METADATA);
        if (!Files.isRegularFile(metaFile))
            throw new IllegalArgumentException(packageDir + " is not a package: no " + ModelCard.METADATA);
        JsonNode m;
        try {
            m = JsonLines.JSON.readTree(metaFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(metaFile + ": " + e.getMessage(), e);
        }
        Map<Integer, List<String>> explanations = new HashMap<>();
        Path exDir = packageDir.resolve(m.path("paths").path("export").asText()).resolve("explanations");
        if (Files.isDirectory(exDir)) {
            try (Stream<Path> s = Files.list(exDir)) {
                for (Path f : s.sorted().toList())
                    for (JsonNode row : JsonLines.read(f))
                        explanations
                                .computeIfAbsent(
                                        Integer.parseInt(row.path("index").asText()), i -> new ArrayList<>())
                                .add(row.path("description").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        SaeDashboards d = DashboardBatches.read(
                packageDir.resolve(m.path("paths").path("dashboards").asText()),
                m.path("dSae").asInt(),
                m.path("hookName").asText(),
                explanations);
        if (!d.modelId().equals(m.path("modelId").asText())
                || !d.sourceId().equals(m.path("sourceId").asText()))
            throw new IllegalArgumentException(packageDir + ": dashboards are for " + d.modelId() + "/" + d.sourceId()
                    + " but metadata.json names " + m.path("modelId").asText() + "/"
                    + m.path("sourceId").asText());
        return UploadPlan.of(
                d,
                m.path("modelLayers").asInt(),
                d.modelId(),
                "nanochat-sae " + m.path("architecture").asText() + " SAEs at "
                        + m.path("hookName").asText(),
                limits);
    }
}

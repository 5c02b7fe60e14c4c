package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.util.Map;
import java.util.TreeMap;

/**
 * The package's README.md (a model card: architecture, data, tokens, metrics, how to load it in SAELens
 * and how to import the export into a self-hosted Neuronpedia) and metadata.json (the same facts for
 * machines; {@code sae neuronpedia upload} reads it).
 */
public final class ModelCard {
    public static final String METADATA = "metadata.json";

    private ModelCard() {}

    public static ObjectNode metadata(PackageRequest r, ObjectNode cfg) {
        SaeDashboards d = r.dashboards();
        ObjectNode m = JsonLines.JSON.createObjectNode();
        m.put("format", "nanochat-sae/neuronpedia-package/1");
        m.put("modelId", d.modelId())
                .put("sourceSetName", d.sourceSetName())
                .put("sourceId", d.sourceId())
                .put("layer", d.layer())
                .put("hookName", d.hookName())
                .put("neuronpediaId", d.modelId() + "/" + d.sourceId())
                .put("modelLayers", r.spec().modelLayers())
                .put("dModel", r.spec().dModel())
                .put("architecture", cfg.path("architecture").asText())
                .put("dIn", cfg.path("d_in").asInt())
                .put("dSae", d.dSae())
                .put("dataset", d.dataset())
                .put("nPromptsTotal", d.nPromptsTotal())
                .put("nTokensInPrompt", d.nTokensInPrompt())
                .put("liveFeatures", d.live().size())
                .put("deadFeatures", d.deadIndexes().size())
                .put("trainingTokens", r.trainingTokens())
                .put("checkpoint", r.checkpoint())
                .put("createdAt", r.spec().createdAt().toString());
        ObjectNode metrics = m.putObject("metrics");
        new TreeMap<>(r.metrics()).forEach(metrics::put);
        ObjectNode paths = m.putObject("paths");
        paths.put("saelens", NeuronpediaPackage.saelensDir(d))
                .put("dashboards", NeuronpediaPackage.dashboardsDir(d))
                .put("export", NeuronpediaPackage.exportDir(d));
        return m;
    }

    public static String readme(PackageRequest r, ObjectNode cfg) {
        SaeDashboards d = r.dashboards();
        String id = d.modelId() + "/" + d.sourceId();
        String arch = cfg.path("architecture").asText();
        StringBuilder s = new StringBuilder();
        s.append("# ").append(id).append("\n\n");
        s.append("A sparse autoencoder on nanochat model `")
                .append(d.modelId())
                .append("` at hook `")
                .append(d.hookName())
                .append("`, packaged by nanochat-sae for SAELens and Neuronpedia.\n\n");
        s.append("| | |\n|---|---|\n");
        s.append("| architecture | ")
                .append(arch)
                .append(cfg.has("k") ? " (k = " + cfg.get("k").asInt() + ")" : "")
                .append(" |\n");
        s.append("| d_in × d_sae | ")
                .append(cfg.path("d_in").asInt())
                .append(" × ")
                .append(d.dSae())
                .append(" |\n");
        s.append("| training tokens | ").append(r.trainingTokens()).append(" |\n");
        s.append("| checkpoint | ").append(r.checkpoint()).append(" |\n");
        s.append("| dashboard data | ")
                .append(d.dataset())
                .append(", ")
                .append(d.nPromptsTotal())
                .append(" windows × ")
                .append(d.nTokensInPrompt())
                .append(" tokens |\n");
        s.append("| live / dead features | ")
                .append(d.live().size())
                .append(" / ")
                .append(d.deadIndexes().size())
                .append(" |\n");
        s.append("| Neuronpedia id | `").append(id).append("` |\n\n");
        s.append("## Evaluation\n\n");
        if (r.metrics().isEmpty()) {
            s.append("Not evaluated yet.\n\n");
        } else {
            s.append("| metric | value |\n|---|---|\n");
            for (Map.Entry<String, Double> e : new TreeMap<>(r.metrics()).entrySet())
                s.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(String.format(java.util.Locale.ROOT, "%.6g", e.getValue()))
                        .append(" |\n");
            s.append('\n');
        }
        s.append("## Load it in SAELens\n\n```python\nfrom sae_lens import SAE\nsae = SAE.load_from_disk(\"")
                .append(NeuronpediaPackage.saelensDir(d))
                .append("\")\n```\n\n");
        s.append("## Import into a self-hosted Neuronpedia\n\n");
        s.append("`")
                .append(NeuronpediaPackage.exportDir(d))
                .append("` is Neuronpedia's bulk-export layout (release, model, sourceset, ")
                .append("source, features/activations/explanations batches). Copy the `")
                .append(NeuronpediaPackage.EXPORT)
                .append("` folder into the webapp's export directory and run its importer ")
                .append("for model `")
                .append(d.modelId())
                .append("`, source `")
                .append(d.sourceId())
                .append("`. `")
                .append(NeuronpediaPackage.dashboardsDir(d))
                .append("` holds the same dashboards as SAEDashboard batches.\n\n");
        s.append(
                "## Upload to neuronpedia.org\n\n```\nNEURONPEDIA_API_KEY=... sae neuronpedia upload --export <this folder> --base-url https://www.neuronpedia.org\n```\n\n");
        s.append("Verify the files with `sha256sum -c ").append(Checksums.FILE).append("`.\n");
        return s.toString();
    }
}

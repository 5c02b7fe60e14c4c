package dev.nanochat.sae.neuronpedia.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.ActivationExample;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SAEDashboard's batch files (sae.md, "Neuronpedia dashboards"): {@code batch-{i}.json} = {model_id,
 * layer, sae_set, features: [...]} with floats rounded to 5 decimals, and {@code skipped_indexes.json}
 * listing dead features. Reading them back gives what an upload needs (density, logits, activations);
 * fields the batch format does not carry (neighbours, maxActApprox) come back empty or derived.
 */
public final class DashboardBatches {
    public static final String SKIPPED = "skipped_indexes.json";
    private static final Pattern BATCH = Pattern.compile("batch-(\\d+)\\.json");
    private static final ObjectMapper JSON = JsonLines.JSON;

    private DashboardBatches() {}

    public static void write(Path dir, SaeDashboards d, int batchSize) {
        List<FeatureDashboard> live = d.live();
        try {
            Files.createDirectories(dir);
            for (int b = 0, from = 0; from < live.size(); b++, from += batchSize) {
                ObjectNode batch = JSON.createObjectNode();
                batch.put("model_id", d.modelId()).put("layer", d.layer()).put("sae_set", d.sourceSetName());
                ArrayNode features = batch.putArray("features");
                for (FeatureDashboard f : live.subList(from, Math.min(live.size(), from + batchSize))) {
                    features.add(feature(d, f));
                }
                Files.write(dir.resolve("batch-" + b + ".json"), JSON.writeValueAsBytes(batch));
            }
            ObjectNode skipped = JSON.createObjectNode();
            ArrayNode list = skipped.putArray("skipped_indexes");
            d.deadIndexes().forEach(list::add);
            Files.write(dir.resolve(SKIPPED), JSON.writeValueAsBytes(skipped));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode feature(SaeDashboards d, FeatureDashboard f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("feature_index", f.index());
        strings(o.putArray("neg_str"), f.negStr());
        doubles(o.putArray("neg_values"), f.negValues());
        strings(o.putArray("pos_str"), f.posStr());
        doubles(o.putArray("pos_values"), f.posValues());
        o.put("frac_nonzero", ExportRows.round(f.fracNonzero()));
        doubles(o.putArray("freq_hist_data_bar_heights"), f.freqHistHeights());
        doubles(o.putArray("freq_hist_data_bar_values"), f.freqHistValues());
        doubles(o.putArray("logits_hist_data_bar_heights"), f.logitsHistHeights());
        doubles(o.putArray("logits_hist_data_bar_values"), f.logitsHistValues());
        o.put("n_prompts_total", d.nPromptsTotal())
                .put("n_tokens_in_prompt", d.nTokensInPrompt())
                .put("dataset", d.dataset());
        ArrayNode acts = o.putArray("activations");
        for (ActivationExample a : f.activations()) {
            ObjectNode x = acts.addObject();
            x.put("bin_min", ExportRows.round(a.binMin()))
                    .put("bin_max", ExportRows.round(a.binMax()))
                    .put("bin_contains", ExportRows.round(a.binContains()));
            strings(x.putArray("tokens"), a.tokens());
            doubles(x.putArray("values"), a.values());
            x.put("qualifying_token_index", a.qualifyingTokenIndex());
        }
        return o;
    }

    /**
     * Reads every batch in index order. {@code explanations} maps a feature index to its texts (from
     * the bulk export); {@code dSae} and {@code hookName} come from the package metadata.
     */
    public static SaeDashboards read(
            Path dir, int dSae, String hookName, java.util.Map<Integer, List<String>> explanations) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> BATCH.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(number(a), number(b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException(dir + " holds no SAEDashboard batch-N.json files");
        String modelId = null, set = null, dataset = "";
        int layer = -1, prompts = 0, promptTokens = 0;
        List<FeatureDashboard> features = new ArrayList<>();
        for (Path file : files) {
            JsonNode batch = readTree(file);
            modelId = batch.path("model_id").asText();
            set = batch.path("sae_set").asText();
            layer = batch.path("layer").asInt(-1);
            for (JsonNode f : batch.path("features")) {
                List<ActivationExample> acts = new ArrayList<>();
                for (JsonNode a : f.path("activations")) {
                    acts.add(new ActivationExample(
                            strings(a.path("tokens")),
                            doubles(a.path("values")),
                            a.path("bin_min").asDouble(),
                            a.path("bin_max").asDouble(),
                            a.path("bin_contains").asDouble(),
                            a.path("qualifying_token_index").asInt()));
                }
                double max = acts.stream()
                        .mapToDouble(ActivationExample::maxValue)
                        .max()
                        .orElse(0);
                int index = f.path("feature_index").asInt();
                features.add(new FeatureDashboard(
                        index,
                        f.path("frac_nonzero").asDouble(),
                        max,
                        strings(f.path("pos_str")),
                        doubles(f.path("pos_values")),
                        strings(f.path("neg_str")),
                        doubles(f.path("neg_values")),
                        doubles(f.path("freq_hist_data_bar_heights")),
                        doubles(f.path("freq_hist_data_bar_values")),
                        doubles(f.path("logits_hist_data_bar_heights")),
                        doubles(f.path("logits_hist_data_bar_values")),
                        new int[0],
                        new double[0],
                        acts,
                        explanations.getOrDefault(index, List.of())));
                prompts = f.path("n_prompts_total").asInt();
                promptTokens = f.path("n_tokens_in_prompt").asInt();
                dataset = f.path("dataset").asText("");
            }
        }
        return new SaeDashboards(modelId, set, layer, hookName, dataset, prompts, promptTokens, dSae, features);
    }

    private static int number(Path p) {
        var m = BATCH.matcher(p.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }

    private static JsonNode readTree(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void strings(ArrayNode a, List<String> v) {
        v.forEach(a::add);
    }

    private static void doubles(ArrayNode a, double[] v) {
        for (double x : v) a.add(ExportRows.round(x));
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }
}

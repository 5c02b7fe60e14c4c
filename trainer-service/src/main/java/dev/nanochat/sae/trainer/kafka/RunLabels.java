package dev.nanochat.sae.trainer.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.trainer.persistence.RunEntity;

/**
 * The model, hook and architecture a run's events are labelled with. Runs created from a bare topic
 * name still need model/hook labels: they fall back to the SAE config's, then to "unknown".
 */
public record RunLabels(String modelId, String hook, String architecture) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunLabels of(RunEntity run) {
        JsonNode config;
        try {
            config = JSON.readTree(run.saeConfig);
        } catch (Exception e) {
            config = JSON.createObjectNode();
        }
        return new RunLabels(
                firstNonBlank(run.modelId, config.path("model_name").asText()),
                firstNonBlank(run.hook, config.path("hook_point").asText()),
                config.path("architecture").asText(null));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "unknown";
    }
}

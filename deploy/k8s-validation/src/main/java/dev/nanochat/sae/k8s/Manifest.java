package dev.nanochat.sae.k8s;

import com.fasterxml.jackson.databind.JsonNode;

/** One rendered Kubernetes object: its identity and its raw tree (what {@code kubectl apply} would send). */
public record Manifest(String apiVersion, String kind, String name, String namespace, JsonNode tree) {

    public static Manifest of(JsonNode tree) {
        JsonNode meta = tree.path("metadata");
        return new Manifest(
                tree.path("apiVersion").asText(""),
                tree.path("kind").asText(""),
                meta.path("name").asText(""),
                meta.hasNonNull("namespace") ? meta.get("namespace").asText() : null,
                tree);
    }

    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** {@code Kind/name}, how violations and the external annotation name objects. */
    public String ref() {
        return kind + "/" + name;
    }
}

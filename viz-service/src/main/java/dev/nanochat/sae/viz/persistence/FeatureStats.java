package dev.nanochat.sae.viz.persistence;

/** A feature list entry: index, density, max activation and a short text of its top example. */
@io.quarkus.qute.TemplateData
public record FeatureStats(int idx, double fracNonzero, float maxAct, String blurb) {}

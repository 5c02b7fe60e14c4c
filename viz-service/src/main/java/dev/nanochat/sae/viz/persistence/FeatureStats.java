package dev.nanochat.sae.viz.persistence;

/** A feature list entry: index, density, max activation and a short text of its top example. */
public record FeatureStats(int idx, double fracNonzero, float maxAct, String blurb) {}

package dev.nanochat.sae.evaluator.rest;

/** Sparsity against fidelity at one checkpoint; ceLossRecovered is null without a model. */
public record ComparePoint(long step, long tokens, Double l0, Double fvu, Double ceLossRecovered) {}

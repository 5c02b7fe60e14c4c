package dev.nanochat.sae.evaluator.rest;

/** One point of a metric curve: value of a metric at a checkpoint, plotted against tokens trained. */
public record CurvePoint(long step, long tokens, double value) {}

package dev.nanochat.sae.evaluator.rest;

import java.util.List;

/** All successful evaluations of a run as (L0, FVU, CE recovered) points; latest is the last step. */
public record RunComparison(String runId, ComparePoint latest, List<ComparePoint> points) {}

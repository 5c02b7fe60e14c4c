package dev.nanochat.sae.evaluator.rest;

import java.util.List;

public record Curve(String runId, String metric, List<CurvePoint> points) {}

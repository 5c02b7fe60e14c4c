package dev.nanochat.sae.neuronpedia.service;

/**
 * What to package: the SAE folder ({@code path}), its Neuronpedia names and hook, and the checkpoint id
 * (the run:step id of the checkpoint event; defaults to the path).
 */
public record ExportRequest(
        String path, String modelId, String sourceId, String hookName, String checkpointId, String runId, Long step) {}

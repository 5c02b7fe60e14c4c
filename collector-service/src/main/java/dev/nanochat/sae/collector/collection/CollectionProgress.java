package dev.nanochat.sae.collector.collection;

import java.util.Map;

/**
 * A snapshot of acknowledged output: everything here is safe to persist, because it only covers
 * records the broker acknowledged (acks=all).
 *
 * @param committed resume position after the last fully acknowledged forward step
 * @param offsets highest acknowledged offset per topic and partition
 * @param recordsThisRun records acknowledged since this runner started
 * @param bytesThisRun payload bytes acknowledged since this runner started
 * @param tokensPerSecond acknowledged tokens per second of this run's wall time
 */
public record CollectionProgress(
        CollectionPosition committed,
        Map<String, Map<Integer, Long>> offsets,
        long recordsThisRun,
        long bytesThisRun,
        double tokensPerSecond) {}

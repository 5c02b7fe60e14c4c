package dev.nanochat.sae.core.train;

import java.time.Duration;
import java.util.Map;

/**
 * Where a run's activations come from, one source record at a time, with a resumable position.
 * The Kafka adapter implements it; tests implement it with arrays.
 */
public interface RecordSource {
    /** The next record's training rows, or null when none arrived within {@code timeout}. */
    Rows poll(Duration timeout);

    /**
     * Position just after the last record handed out by {@link #poll} (records skipped or dead-lettered
     * on the way count as handled). Opaque strings, stored in the checkpoint's training state.
     */
    Map<String, String> position();
}

package dev.nanochat.sae.core.train;

import java.util.Map;

/**
 * Where training batches come from (an array in tests, a file in the CLI, Kafka in trainer-service).
 * The trainer never sees Kafka; the source reports an opaque position that checkpoints store.
 */
public interface ActivationSource {
    /** Fills up to maxRows rows (row-major, maxRows × d_in) into buf; returns rows filled, 0 at the end. */
    int next(float[] buf, int maxRows);

    /** Opaque position to store with a checkpoint (e.g. Kafka offsets, file cursor); empty if unknown. */
    default Map<String, String> position() {
        return Map.of();
    }
}

package dev.nanochat.sae.core.train;

import java.time.Duration;

/**
 * Dials of one training loop, in tokens (= activation rows).
 *
 * @param batchRows          rows per optimizer step
 * @param shuffleRows        rows held in the shuffle buffer before a batch is drawn (≥ batchRows)
 * @param checkpointEvery    a checkpoint is taken once this many tokens were consumed since the last one
 * @param stopAfter          the run completes once this many tokens were consumed; null = continuous
 * @param pollTimeout        how long one poll of the source may block
 * @param idleFlush          when the source has been quiet this long, the buffer is trained to empty
 *                           (a continuous run then keeps up with a trickle instead of holding rows back)
 */
public record LoopSettings(
        int batchRows,
        int shuffleRows,
        long checkpointEvery,
        Long stopAfter,
        Duration pollTimeout,
        Duration idleFlush) {
    public LoopSettings {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batch tokens must be positive, got " + batchRows);
        }
        if (shuffleRows < batchRows) {
            throw new IllegalArgumentException(
                    "shuffle buffer tokens (" + shuffleRows + ") must be ≥ batch tokens (" + batchRows + ")");
        }
        if (checkpointEvery <= 0) {
            throw new IllegalArgumentException("checkpoint every must be positive, got " + checkpointEvery);
        }
        if (stopAfter != null && stopAfter <= 0) {
            throw new IllegalArgumentException("stop after must be positive or absent, got " + stopAfter);
        }
    }
}

package dev.nanochat.sae.core.records;

/**
 * A record that could not be processed, as published on {@link Topics#DLQ}: the original value
 * unchanged plus where it came from and why it was rejected (see {@link DeadLetters#headers}).
 */
public record DeadLetter(String sourceTopic, int partition, long offset, String reason, byte[] value) {
    public DeadLetter {
        if (sourceTopic == null || sourceTopic.isBlank()) {
            throw new IllegalArgumentException("sourceTopic is required");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason is required");
        }
    }

    /** A dead letter for a payload rejected with an {@link InvalidRecordException}. */
    public static DeadLetter of(
            String sourceTopic, int partition, long offset, InvalidRecordException e, byte[] value) {
        return new DeadLetter(sourceTopic, partition, offset, e.describe(), value);
    }
}

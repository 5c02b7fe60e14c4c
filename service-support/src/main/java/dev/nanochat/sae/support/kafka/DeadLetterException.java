package dev.nanochat.sae.support.kafka;

/** A dead letter the broker did not acknowledge: the caller must not commit past its source record. */
public class DeadLetterException extends RuntimeException {
    public DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}

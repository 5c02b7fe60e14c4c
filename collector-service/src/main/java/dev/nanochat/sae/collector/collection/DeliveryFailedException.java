package dev.nanochat.sae.collector.collection;

/** A record failed after it was handed to the producer; the runner rewinds to the committed position. */
public final class DeliveryFailedException extends Exception {
    public DeliveryFailedException(Exception cause) {
        super(cause.getMessage(), cause);
    }
}

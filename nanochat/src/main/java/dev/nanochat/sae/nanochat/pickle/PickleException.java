package dev.nanochat.sae.nanochat.pickle;

/** A pickle that is corrupt, truncated, too large or uses something outside the allow-list. */
public final class PickleException extends IllegalArgumentException {
    public PickleException(String message) {
        super(message);
    }
}

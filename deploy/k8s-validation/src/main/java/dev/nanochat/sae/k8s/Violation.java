package dev.nanochat.sae.k8s;

/** A rule a rendered object breaks, with the object ({@code Kind/name}) it is about. */
public record Violation(String object, String message) {
    @Override
    public String toString() {
        return object + ": " + message;
    }
}

package dev.nanochat.sae.trainer.api;

/** A request error with its HTTP status; rendered as problem+json by {@link ProblemMapper}. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

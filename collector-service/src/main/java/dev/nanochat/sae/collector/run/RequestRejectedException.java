package dev.nanochat.sae.collector.run;

/**
 * A collection request that cannot run as asked (bad hook, hostile path, corrupt checkpoint...).
 * The message names the offending field and value; the REST shell maps it to problem+json 400.
 */
public class RequestRejectedException extends RuntimeException {
    private final String field;

    public RequestRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    public RequestRejectedException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The request field at fault, e.g. {@code hooks[0]} or {@code corpus[1]}. */
    public String field() {
        return field;
    }
}

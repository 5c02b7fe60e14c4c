package dev.nanochat.sae.support.problem;

/**
 * A request error that knows its HTTP status; {@link ProblemMapper} renders it as problem+json.
 *
 * <p>Throw it from shells when the status is not implied by the exception type (see
 * {@link ProblemStatus}); {@code field} names the request field at fault and appears in the body.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String field;

    public ProblemException(int status, String field, String detail, Throwable cause) {
        super(detail, cause);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem status is 4xx or 5xx, got " + status);
        }
        this.status = status;
        this.field = field;
    }

    public ProblemException(int status, String detail) {
        this(status, null, detail, null);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, detail);
    }

    public static ProblemException badRequest(String field, String detail) {
        return new ProblemException(400, field, detail, null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, detail);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, detail);
    }

    public int status() {
        return status;
    }

    /** The request field at fault (e.g. {@code hooks[0]}), or null. */
    public String field() {
        return field;
    }
}

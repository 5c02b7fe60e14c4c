package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.support.problem.ProblemException;

/**
 * A collection request that cannot run as asked (bad hook, hostile path, corrupt checkpoint...).
 * The message names the offending field and value; the shared mapper renders it as problem+json 400
 * with that {@code field}.
 */
public class RequestRejectedException extends ProblemException {
    public RequestRejectedException(String field, String message) {
        super(400, field, message, null);
    }

    public RequestRejectedException(String field, String message, Throwable cause) {
        super(400, field, message, cause);
    }
}

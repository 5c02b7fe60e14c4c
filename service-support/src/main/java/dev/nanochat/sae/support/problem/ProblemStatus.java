package dev.nanochat.sae.support.problem;

import jakarta.ws.rs.WebApplicationException;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one mapping from exception to HTTP status, shared by every service.
 *
 * <pre>
 *   ProblemException                      its own status
 *   WebApplicationException (JAX-RS)      its response's status (NotFoundException → 404 ...)
 *   IllegalArgumentException              400  bad input (NumberFormatException included)
 *   NoSuchElementException                404  a lookup that missed (Optional.orElseThrow())
 *   RejectedExecutionException, TimeoutException  503  busy or a dependency did not answer
 *   anything else                         500  logged with its stack trace
 * </pre>
 * IllegalStateException is deliberately a 500: it means a bug or a broken dependency here, not a
 * request that conflicts with the resource's state (that is an explicit {@code conflict}).
 * Authentication failures (401/403) are mapped by the security extension's own mappers.
 */
public final class ProblemStatus {
    private ProblemStatus() {}

    public static int of(Throwable e) {
        if (e instanceof ProblemException p) {
            return p.status();
        }
        if (e instanceof WebApplicationException w && w.getResponse() != null) {
            return w.getResponse().getStatus();
        }
        if (e instanceof IllegalArgumentException) {
            return 400;
        }
        if (e instanceof NoSuchElementException) {
            return 404;
        }
        if (e instanceof RejectedExecutionException || e instanceof TimeoutException) {
            return 503;
        }
        return 500;
    }
}

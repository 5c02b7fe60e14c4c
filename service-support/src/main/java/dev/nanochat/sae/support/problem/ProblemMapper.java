package dev.nanochat.sae.support.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Every service's one ExceptionMapper: RFC 9457 problem+json with {@code type}, {@code title},
 * {@code status}, {@code detail} (and {@code field} when a {@link ProblemException} names one).
 * Statuses come from {@link ProblemStatus}; 5xx are logged with their stack trace, 4xx are not
 * (they are the caller's mistake and the body already says what it was).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(Exception e) {
        int status = ProblemStatus.of(e);
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body(e, status)).build();
    }

    /** The problem body; public so tests and non-HTTP callers render errors the same way. */
    public static Map<String, Object> body(Throwable e, int status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail(e));
        if (e instanceof ProblemException p && p.field() != null) {
            body.put("field", p.field());
        }
        return body;
    }

    private static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }

    // JAX-RS exceptions built without a message say "HTTP 404 Not Found"; their cause says more.
    private static String detail(Throwable e) {
        String message = e.getMessage();
        if (message != null
                && message.startsWith("HTTP ")
                && e.getCause() != null
                && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        return message != null ? message : e.getClass().getSimpleName();
    }
}

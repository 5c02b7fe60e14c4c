package dev.nanochat.sae.collector.api;

import dev.nanochat.sae.collector.run.RequestRejectedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The service's one mapping from exceptions to problem+json. */
public class ProblemExceptionMapper {
    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

    @ServerExceptionMapper
    public Response rejected(RequestRejectedException e) {
        return Problems.response(400, "Invalid collection request", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("HTTP")
                ? e.getCause().getMessage() : e.getMessage();
        return Problems.response(status, title, detail, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return Problems.response(500, "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
}

package dev.nanochat.sae.trainer.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** Every error leaves as RFC 9457 problem+json with a message naming the bad value. */
// Until this service moves to service-support's ProblemMapper, this one must win the tie between two
// ExceptionMapper<Exception>s (a lower @Priority value is preferred).
@Priority(Priorities.USER - 100)
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(Exception e) {
        int status;
        if (e instanceof ApiException api) {
            status = api.status();
        } else if (e instanceof IllegalArgumentException) {
            status = 400;
        } else if (e instanceof WebApplicationException web) {
            status = web.getResponse().getStatus();
        } else {
            status = 500;
            LOG.error("request failed", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase());
        body.put("status", status);
        body.put("detail", String.valueOf(e.getMessage()));
        return Response.status(status).type("application/problem+json").entity(body).build();
    }
}

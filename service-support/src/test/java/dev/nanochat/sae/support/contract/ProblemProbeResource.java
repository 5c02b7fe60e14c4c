package dev.nanochat.sae.support.contract;

import dev.nanochat.sae.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Test-only endpoints (shipped in service-support's test jar, never in a service) that throw each
 * exception kind, so {@link ServiceContract} can check every service renders them the same way.
 */
@Path("/test/problems")
public class ProblemProbeResource {
    /** A JSON body the probe parses, to check malformed JSON is a problem too. */
    public record Probe(int value) {}

    @GET
    @Path("{kind}")
    public String fail(@PathParam("kind") String kind) {
        throw switch (kind) {
            case "illegal-argument" -> new IllegalArgumentException("batchTokens must be positive, got 0");
            case "field" -> ProblemException.badRequest("hooks[0]", "no hook 'blocks.9.x'");
            case "jaxrs-not-found" -> new NotFoundException("no run with id 'r1'");
            case "no-such-element" -> new NoSuchElementException("no collection with id c1");
            case "conflict" -> ProblemException.conflict("run r1 is COMPLETED; it cannot be PAUSED");
            case "busy" -> new RejectedExecutionException("all 2 runner slots are busy");
            case "illegal-state" -> new IllegalStateException("broker lost");
            default -> new IllegalArgumentException("unknown probe '" + kind + "'");
        };
    }

    @POST
    @Path("json")
    @Consumes(MediaType.APPLICATION_JSON)
    public String json(Probe probe) {
        return "value " + probe.value();
    }
}

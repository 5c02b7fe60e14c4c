package dev.nanochat.sae.viz.web;

import dev.nanochat.sae.viz.service.RunCurves;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Training curves: every stored point, and new points as server-sent events while runs train. */
@Path("/")
public class RunStreamResource {
    @Inject
    RunCurves curves;

    @GET
    @Path("api/runs/points")
    @Produces(MediaType.APPLICATION_JSON)
    public List<?> points() {
        return curves.all();
    }

    @GET
    // Outside /api: the browser's EventSource sends no bearer token, and the runs page it feeds is open.
    @Path("runs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN) // each element is already a JSON object
    public Multi<String> stream() {
        return curves.stream();
    }
}

package dev.nanochat.sae.viz.web;

import dev.nanochat.sae.viz.service.RunCurves;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * New training-curve points as server-sent events while runs train. Outside /api: the browser's
 * EventSource sends no bearer token, and the runs page it feeds is open. (The stored points are served
 * by {@link RunPointsResource} under /api: a class at "/" cannot serve /api/... paths, since
 * RESTEasy Reactive matches the most specific class path, "/api", first.)
 */
@Path("/runs/stream")
public class RunStreamResource {
    @Inject
    RunCurves curves;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN) // each element is already a JSON object
    public Multi<String> stream() {
        return curves.stream();
    }
}

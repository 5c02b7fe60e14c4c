package dev.nanochat.sae.viz.web;

import dev.nanochat.sae.viz.service.RunCurves;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Every stored training-curve point (the runs page's initial curves, and API clients). */
@Path("/api/runs/points")
public class RunPointsResource {
    @Inject
    RunCurves curves;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<?> points() {
        return curves.all();
    }
}

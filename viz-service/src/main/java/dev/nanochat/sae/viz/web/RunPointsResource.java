package dev.nanochat.sae.viz.web;

import dev.nanochat.sae.viz.service.RunCurves;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The stored training-curve points (the runs page's initial curves, and API clients), thinned to about
 * {@code maxPerRun} per run (default {@value RunCurves#MAX_POINTS_PER_RUN}, as the page; checkpoint,
 * first and last points always kept).
 */
@Path("/api/runs/points")
public class RunPointsResource {
    static final int MAX_PER_RUN_LIMIT = 1_000_000;

    @Inject
    RunCurves curves;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<?> points(@QueryParam("maxPerRun") @DefaultValue("" + RunCurves.MAX_POINTS_PER_RUN) int maxPerRun) {
        if (maxPerRun < 2 || maxPerRun > MAX_PER_RUN_LIMIT) {
            throw new IllegalArgumentException(
                    "maxPerRun must be between 2 and " + MAX_PER_RUN_LIMIT + ", got " + maxPerRun);
        }
        return curves.all(maxPerRun);
    }
}

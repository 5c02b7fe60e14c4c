package dev.nanochat.sae.evaluator.rest;

import dev.nanochat.sae.evaluator.persistence.Evaluation;
import dev.nanochat.sae.evaluator.persistence.EvaluationRepository;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.TreeSet;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationResource {
    private final EvaluationRepository repository;
    private final EvaluationViews views;

    EvaluationResource(EvaluationRepository repository, EvaluationViews views) {
        this.repository = repository;
        this.views = views;
    }

    /** Evaluations of one run by step (ok and failed). */
    @GET
    @Path("/evaluations")
    public List<EvaluationView> list(@QueryParam("run") String run) {
        if (run == null || run.isBlank()) {
            throw new BadRequestException("query parameter 'run' is required");
        }
        return repository.byRun(run).stream().map(views::of).toList();
    }

    /** One metric of a run's successful evaluations against tokens trained. */
    @GET
    @Path("/runs/{id}/curve")
    public Curve curve(@PathParam("id") String run, @QueryParam("metric") String metric) {
        if (metric == null || metric.isBlank()) {
            throw new BadRequestException("query parameter 'metric' is required (e.g. fvu, l0, ce_loss_recovered)");
        }
        List<Evaluation> ok = repository.okByRun(run);
        if (ok.isEmpty()) {
            throw new NotFoundException("run '" + run + "' has no successful evaluations");
        }
        List<CurvePoint> points = ok.stream()
                .filter(e -> views.metric(e, metric) != null)
                .map(e -> new CurvePoint(e.step, e.tokens, views.metric(e, metric)))
                .toList();
        if (points.isEmpty()) {
            TreeSet<String> known = new TreeSet<>();
            ok.forEach(e -> views.metrics(e).forEach((k, v) -> {
                if (v instanceof Number) {
                    known.add(k);
                }
            }));
            throw new BadRequestException("unknown metric '" + metric + "' for run '" + run + "'; available: " + known);
        }
        return new Curve(run, metric, points);
    }
}

package dev.nanochat.sae.evaluator.rest;

import dev.nanochat.sae.evaluator.persistence.Evaluation;
import dev.nanochat.sae.evaluator.persistence.EvaluationRepository;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** L0 against FVU and CE loss recovered across runs (the sparsity/fidelity frontier). */
@Path("/api/compare")
@Produces(MediaType.APPLICATION_JSON)
public class CompareResource {
    private final EvaluationRepository repository;
    private final EvaluationViews views;

    CompareResource(EvaluationRepository repository, EvaluationViews views) {
        this.repository = repository;
        this.views = views;
    }

    @GET
    public List<RunComparison> compare(@QueryParam("runs") String runs) {
        List<String> ids = runs == null
                ? List.of()
                : Arrays.stream(runs.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .distinct()
                        .toList();
        if (ids.isEmpty()) {
            throw new BadRequestException("query parameter 'runs' must list run ids separated by commas");
        }
        List<RunComparison> out = new ArrayList<>();
        for (String id : ids) {
            List<ComparePoint> points =
                    repository.okByRun(id).stream().map(this::point).toList();
            if (points.isEmpty()) {
                throw new NotFoundException("run '" + id + "' has no successful evaluations");
            }
            out.add(new RunComparison(id, points.get(points.size() - 1), points));
        }
        return out;
    }

    private ComparePoint point(Evaluation e) {
        return new ComparePoint(
                e.step, e.tokens, views.metric(e, "l0"), views.metric(e, "fvu"), views.metric(e, "ce_loss_recovered"));
    }
}

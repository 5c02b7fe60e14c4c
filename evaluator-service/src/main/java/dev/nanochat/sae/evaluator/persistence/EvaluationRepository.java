package dev.nanochat.sae.evaluator.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class EvaluationRepository implements PanacheRepository<Evaluation> {

    public Optional<Evaluation> findByRunAndStep(String runId, long step) {
        return find("runId = ?1 and step = ?2", runId, step).firstResultOptional();
    }

    public List<Evaluation> byRun(String runId) {
        return list("runId", Sort.by("step"), runId);
    }

    public List<Evaluation> okByRun(String runId) {
        return list("runId = ?1 and status = ?2", Sort.by("step"), runId, Evaluation.OK);
    }
}

package dev.nanochat.sae.evaluator.service;

import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.eval.HeldOutSet;
import dev.nanochat.sae.eval.SaeCheckpoint;
import dev.nanochat.sae.eval.SaeEvaluation;
import dev.nanochat.sae.eval.SplicedEvaluation;
import dev.nanochat.sae.evaluator.persistence.Evaluation;
import dev.nanochat.sae.evaluator.persistence.EvaluationRepository;
import dev.nanochat.sae.nanochat.HookPoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns one checkpoint event into one stored evaluation: skip if (run, step) is already evaluated,
 * otherwise evaluate and store it as ok or failed-with-reason, then publish it. Never throws for a bad
 * checkpoint — a failure is a result.
 */
@ApplicationScoped
public class CheckpointEvaluator {
    private static final Logger LOG = Logger.getLogger(CheckpointEvaluator.class);

    private final EvaluationRepository evaluations;
    private final HeldOutStore heldOut;
    private final ModelCache models;
    private final EvaluatorConfig config;
    private final MetricsJson metricsJson;
    private final MeterRegistry registry;

    CheckpointEvaluator(
            EvaluationRepository evaluations,
            HeldOutStore heldOut,
            ModelCache models,
            EvaluatorConfig config,
            MetricsJson metricsJson,
            MeterRegistry registry) {
        this.evaluations = evaluations;
        this.heldOut = heldOut;
        this.models = models;
        this.config = config;
        this.metricsJson = metricsJson;
        this.registry = registry;
    }

    /** @return the new evaluation, or empty if this checkpoint was evaluated before (duplicate event). */
    public Optional<Evaluation> evaluate(CheckpointEvent event) {
        if (QuarkusTransaction.requiringNew().call(() -> evaluations
                .findByRunAndStep(event.runId(), event.step())
                .isPresent())) {
            registry.counter("sae.evaluator.duplicates").increment();
            LOG.infof("checkpoint %s step %d already evaluated; ignoring duplicate event", event.runId(), event.step());
            return Optional.empty();
        }
        Evaluation ev = EvaluationMapping.fromEvent(event);
        long start = System.nanoTime();
        try {
            Map<String, Object> metrics = compute(event, ev);
            ev.metrics = metricsJson.write(metrics);
            ev.status = Evaluation.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(ev, "interrupted while waiting for held-out data");
        } catch (Exception | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // Errors included: one oversized or hostile checkpoint must not stop the channel; the
            // evaluation's arrays are garbage once we leave compute(), so the JVM can go on.
            LOG.warnf("evaluation of %s step %d failed: %s", event.runId(), event.step(), e.toString());
            fail(ev, e instanceof Error || e.getMessage() == null ? e.toString() : e.getMessage());
        }
        ev.durationMs = (System.nanoTime() - start) / 1_000_000;
        registry.counter("sae.evaluator.evaluations", "status", ev.status).increment();
        boolean inserted = QuarkusTransaction.requiringNew().call(() -> {
            if (evaluations.findByRunAndStep(ev.runId, ev.step).isPresent()) {
                return false;
            }
            evaluations.persist(ev);
            return true;
        });
        return inserted ? Optional.of(ev) : Optional.empty();
    }

    private Map<String, Object> compute(CheckpointEvent event, Evaluation ev) throws Exception {
        HookPoint hook = HookPoint.parse(event.hook());
        if (heldOut.awaitTokens(event.modelId(), event.hook()) == 0) {
            throw new IllegalStateException("no held-out eval-split activations for model " + event.modelId() + " hook "
                    + event.hook() + " after " + config.heldOutWait());
        }
        HeldOutSet set = heldOut.load(event.modelId(), event.hook());
        ev.evalTokens = set.rows();
        try (Sae sae = SaeCheckpoint.open(Path.of(event.path()), event.sha256(), config.checkpointRoots())) {
            ModelCache.Lookup model = models.get(event.modelId());
            SplicedEvaluation spliced = model.gpt() == null ? null : new SplicedEvaluation(model.gpt(), hook);
            if (spliced == null) {
                ev.notes = "spliced metrics skipped: " + model.reason();
            }
            return SaeEvaluation.evaluate(sae, set, spliced, config.maxCeTokens());
        }
    }

    private static void fail(Evaluation ev, String reason) {
        ev.status = Evaluation.FAILED;
        ev.reason = reason.length() > 4000 ? reason.substring(0, 4000) : reason;
        ev.metrics = "{}";
    }
}

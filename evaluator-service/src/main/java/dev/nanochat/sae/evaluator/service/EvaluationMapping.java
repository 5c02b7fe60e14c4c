package dev.nanochat.sae.evaluator.service;

import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.evaluator.persistence.Evaluation;

/** Fills an evaluation's identity fields from the checkpoint event it evaluates. */
final class EvaluationMapping {
    private EvaluationMapping() {}

    static Evaluation fromEvent(CheckpointEvent e) {
        Evaluation ev = new Evaluation();
        ev.runId = e.runId();
        ev.step = e.step();
        ev.tokens = e.tokens();
        ev.eventId = e.id();
        ev.modelId = e.modelId();
        ev.hook = e.hook();
        ev.checkpointPath = e.path();
        ev.finalCheckpoint = e.finalCheckpoint();
        ev.metrics = "{}";
        return ev;
    }
}

-- The evaluator's held-out metrics per checkpoint, from sae.evaluations (one row per run and step;
-- a later event for the same checkpoint replaces an earlier failed one).
CREATE TABLE sae_evaluation (
    run_id           TEXT NOT NULL,
    step             BIGINT NOT NULL,
    tokens           BIGINT NOT NULL,
    final_checkpoint BOOLEAN NOT NULL,
    status           TEXT NOT NULL,
    reason           TEXT,
    eval_tokens      INTEGER,
    metrics_json     TEXT NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, step)
);

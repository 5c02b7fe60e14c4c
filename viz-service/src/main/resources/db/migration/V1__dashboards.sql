-- One row per analysed checkpoint; features are visible through the API only once status = 'DONE'.
CREATE TABLE dashboard (
    id              BIGSERIAL PRIMARY KEY,
    checkpoint_id   TEXT NOT NULL UNIQUE,          -- the checkpoint event id (runId:step): idempotency key
    run_id          TEXT NOT NULL,
    step            BIGINT NOT NULL,
    final_checkpoint BOOLEAN NOT NULL,
    model_id        TEXT NOT NULL,                 -- Neuronpedia model id
    source_id       TEXT NOT NULL,                 -- Neuronpedia source id {layer}-{set}
    hook_name       TEXT NOT NULL,
    architecture    TEXT NOT NULL,
    d_in            INT NOT NULL,
    d_sae           INT NOT NULL,
    path            TEXT NOT NULL,
    status          TEXT NOT NULL,                 -- RUNNING | DONE | FAILED
    phase           TEXT,
    progress        DOUBLE PRECISION NOT NULL DEFAULT 0,
    tokens          BIGINT NOT NULL DEFAULT 0,
    error           TEXT,
    summary_json    TEXT,                          -- SaeSummary (densities, histogram, counts, metrics)
    created_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX dashboard_source ON dashboard (model_id, source_id, status, step);

CREATE TABLE feature (
    dashboard_id    BIGINT NOT NULL REFERENCES dashboard (id) ON DELETE CASCADE,
    idx             INT NOT NULL,
    frac_nonzero    DOUBLE PRECISION NOT NULL,
    max_act         REAL NOT NULL,
    blurb           TEXT NOT NULL,                 -- short text for lists: the top example around its max
    neuron_json     TEXT NOT NULL,                 -- the Neuronpedia Neuron row, served as is
    PRIMARY KEY (dashboard_id, idx)
);
CREATE INDEX feature_density ON feature (dashboard_id, frac_nonzero);
CREATE INDEX feature_max ON feature (dashboard_id, max_act);

-- Training curves: the metrics of every checkpoint event seen (the runs page and its SSE stream).
CREATE TABLE run_point (
    run_id          TEXT NOT NULL,
    step            BIGINT NOT NULL,
    tokens          BIGINT NOT NULL,
    final_checkpoint BOOLEAN NOT NULL,
    model_id        TEXT NOT NULL,
    hook_name       TEXT NOT NULL,
    metrics_json    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, step)
);

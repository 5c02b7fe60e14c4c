-- One row per collection. request is the client's JSON, kept to rebuild the job on resume.
-- The position_* columns are the resume point after the last fully acknowledged forward step.
CREATE TABLE collections (
    id                     VARCHAR(36) PRIMARY KEY,
    request                JSONB        NOT NULL,
    status                 VARCHAR(32)  NOT NULL,
    status_message         TEXT,
    model_id               VARCHAR(200) NOT NULL,
    topics                 JSONB        NOT NULL,
    max_tokens             BIGINT       NOT NULL,
    corpus_bytes           BIGINT       NOT NULL,
    tokens                 BIGINT       NOT NULL DEFAULT 0,
    eval_tokens            BIGINT       NOT NULL DEFAULT 0,
    records                BIGINT       NOT NULL DEFAULT 0,
    bytes                  BIGINT       NOT NULL DEFAULT 0,
    documents              BIGINT       NOT NULL DEFAULT 0,
    invalid_utf8           BIGINT       NOT NULL DEFAULT 0,
    text_bytes             BIGINT       NOT NULL DEFAULT 0,
    tokens_per_second      DOUBLE PRECISION NOT NULL DEFAULT 0,
    position_corpus        VARCHAR(64)  NOT NULL DEFAULT '0:0',
    position_token_offset  INTEGER      NOT NULL DEFAULT 0,
    next_sequence          BIGINT       NOT NULL DEFAULT 0,
    offsets                JSONB        NOT NULL DEFAULT '{}',
    created_at             TIMESTAMPTZ  NOT NULL,
    updated_at             TIMESTAMPTZ  NOT NULL,
    finished_at            TIMESTAMPTZ
);

CREATE INDEX collections_status ON collections (status);

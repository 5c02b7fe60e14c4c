-- One row per (run, step): the unique constraint makes a redelivered checkpoint event a no-op.
create table evaluation (
    id               bigserial primary key,
    run_id           varchar(200) not null,
    step             bigint       not null,
    tokens           bigint       not null,
    event_id         varchar(300),
    model_id         varchar(200),
    hook             varchar(200),
    checkpoint_path  text,
    final_checkpoint boolean      not null default false,
    status           varchar(16)  not null,
    reason           text,
    notes            text,
    metrics          text         not null,
    eval_tokens      integer,
    duration_ms      bigint,
    created_at       timestamptz  not null default now(),
    constraint evaluation_run_step unique (run_id, step)
);
create index evaluation_run on evaluation (run_id, step);

-- Held-out eval-split records, stored as received (safetensors blobs) so a restart keeps the set.
-- The source position is unique so a record redelivered after a crash is stored once.
create table held_out_record (
    id              bigserial primary key,
    model_id        varchar(200) not null,
    hook            varchar(200) not null,
    topic           varchar(300) not null,
    kafka_partition integer      not null,
    kafka_offset    bigint       not null,
    sequence        bigint       not null,
    d_in            integer      not null,
    rows_count      integer      not null,
    payload         bytea        not null,
    created_at      timestamptz  not null default now(),
    constraint held_out_source unique (topic, kafka_partition, kafka_offset)
);
create index held_out_model_hook on held_out_record (model_id, hook, id);

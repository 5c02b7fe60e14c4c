-- One package per checkpoint: the unique key makes a redelivered sae.dashboards event a no-op.
create table export_job (
    id             bigserial primary key,
    checkpoint_id  varchar(300) not null,
    run_id         varchar(200),
    step           bigint,
    model_id       varchar(64)  not null,
    source_id      varchar(200) not null,
    hook_name      varchar(200) not null,
    sae_path       text         not null,
    status         varchar(16)  not null,
    reason         text,
    progress       double precision not null default 0,
    package_dir    text,
    archive_path   text,
    live_features  integer,
    dead_features  integer,
    created_at     timestamptz  not null default now(),
    updated_at     timestamptz  not null default now(),
    constraint export_checkpoint unique (checkpoint_id)
);

-- One upload of a package to one site; never holds the API key.
create table upload_job (
    id              bigserial primary key,
    export_id       bigint       not null references export_job (id),
    base_url        text         not null,
    dry_run         boolean      not null,
    status          varchar(16)  not null,
    reason          text,
    requests_total  integer      not null default 0,
    requests_done   integer      not null default 0,
    report          text,
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now()
);

-- Per-request progress of uploads of one package to one site (shared by retries of the same upload),
-- so a restarted service resumes without sending a batch twice.
create table upload_step (
    id           bigserial primary key,
    target       varchar(600) not null,
    step_key     varchar(200) not null,
    state        varchar(16)  not null,
    digest       varchar(64)  not null,
    updated_at   timestamptz  not null default now(),
    constraint upload_step_key unique (target, step_key)
);

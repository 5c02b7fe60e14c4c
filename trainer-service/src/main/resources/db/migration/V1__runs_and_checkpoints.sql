-- A run = one SAE config learning from one activation topic. Live columns (tokens_trained, loss, ...)
-- are refreshed by the owning instance; *_checkpointed columns move only with a durable checkpoint.
create table runs (
    id                      varchar(64) primary key,
    control_topic           varchar(249) not null,
    slot                    integer,
    activation_topic        varchar(249) not null,
    model_id                varchar(200),
    hook                    varchar(200),
    sae_config              text not null,
    batch_tokens            integer not null,
    shuffle_buffer_tokens   integer not null,
    checkpoint_every_tokens bigint not null,
    stop_after_tokens       bigint,
    device                  varchar(16) not null,
    desired_state           varchar(16) not null,
    status                  varchar(16) not null,
    owner_instance          varchar(200),
    owner_epoch             bigint not null default 0,
    tokens_trained          bigint not null default 0,
    tokens_checkpointed     bigint not null default 0,
    tokens_per_second       double precision,
    loss                    double precision,
    fvu                     double precision,
    l0                      double precision,
    dead_fraction           double precision,
    consumer_lag            bigint,
    dlq_records             bigint not null default 0,
    dlq_checkpointed        bigint not null default 0,
    last_step               bigint not null default 0,
    last_checkpoint_path    text,
    error                   text,
    created_at              timestamptz not null,
    updated_at              timestamptz not null
);
-- A slot (= control-topic partition) belongs to at most one unfinished run.
create unique index runs_active_slot on runs (control_topic, slot) where slot is not null;

create table checkpoints (
    id           bigserial primary key,
    run_id       varchar(64) not null references runs (id),
    step         bigint not null,
    tokens       bigint not null,
    dlq_records  bigint not null,
    path         text not null,
    sha256       varchar(64) not null,
    final        boolean not null,
    metrics      text not null,
    created_at   timestamptz not null
);
create index checkpoints_run on checkpoints (run_id, tokens);

-- Collector replays skipped by a run (same collection + sequence as a record already trained).
-- Kept like the dead-letter count: live on the run, durable in each checkpoint, restored on resume.
alter table runs add column duplicates_skipped bigint not null default 0;
alter table runs add column duplicates_checkpointed bigint not null default 0;
alter table checkpoints add column duplicates_skipped bigint not null default 0;

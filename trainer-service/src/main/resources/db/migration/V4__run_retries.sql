-- Transient failures a run survived (broker/database away; each resumed from the last checkpoint)
-- and the latest one, shown in the run's status; error stays for the final (permanent) failure.
alter table runs add column retries integer not null default 0;
alter table runs add column last_error text;

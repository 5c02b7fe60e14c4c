-- What the owning instance computes a run with (DJL device and kernel path), from the engine's own
-- description; written when an owner starts the run, so the status shows it on every instance.
alter table runs add column engine varchar(512);

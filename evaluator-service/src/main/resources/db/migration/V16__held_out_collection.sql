-- The held-out set of a (model, hook) comes from one collection only: the first one seen for it.
-- Older rows keep a null collection and still count toward that (model, hook).
alter table held_out_record add column collection_id varchar(300);

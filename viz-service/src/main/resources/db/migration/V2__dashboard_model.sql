-- The nanochat checkpoint an analysis used (base dir, source, tag, step), so the live runtime can load
-- the same model for this SAE on demand. NULL for rows analysed before this column existed.
ALTER TABLE dashboard ADD COLUMN model_dir TEXT;
ALTER TABLE dashboard ADD COLUMN model_source TEXT;
ALTER TABLE dashboard ADD COLUMN model_tag TEXT;
ALTER TABLE dashboard ADD COLUMN model_step INT;

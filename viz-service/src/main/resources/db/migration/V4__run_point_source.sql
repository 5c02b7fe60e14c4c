-- Per-step curve points from sae.training-progress beside the checkpoint events' points. source says
-- where a point came from: 'step' = a progress record only; 'checkpoint' = a checkpoint event was seen at
-- this step (its metrics merged over the step's, final_checkpoint set from it). Earlier rows all came
-- from checkpoint events.
ALTER TABLE run_point ADD COLUMN source TEXT NOT NULL DEFAULT 'checkpoint';
ALTER TABLE run_point ADD CONSTRAINT run_point_source CHECK (source IN ('step', 'checkpoint'));
ALTER TABLE run_point ALTER COLUMN source DROP DEFAULT;

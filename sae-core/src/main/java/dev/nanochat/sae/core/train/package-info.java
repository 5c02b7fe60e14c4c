/**
 * Training, independent of where activations come from: {@link dev.nanochat.sae.core.train.Trainer} (one
 * optimisation step), {@link dev.nanochat.sae.core.train.TrainingLoop} (source → shuffle buffer → steps →
 * checkpoints; the loop `sae train` and trainer-service share), {@link dev.nanochat.sae.core.train.RecordSource},
 * Adam, schedules and {@link dev.nanochat.sae.core.train.TrainingState} (everything a resume needs).
 */
package dev.nanochat.sae.core.train;

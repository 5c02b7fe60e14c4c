package dev.nanochat.sae.core;

/** Per-step inputs an objective needs besides the batch: the scheduled coefficient and dead latents. */
record StepContext(double sparsityCoefficient, boolean[] dead, int deadCount, Parallel par) {}

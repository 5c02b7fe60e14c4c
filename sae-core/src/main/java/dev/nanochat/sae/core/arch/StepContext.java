package dev.nanochat.sae.core.arch;

import dev.nanochat.sae.core.kernels.Parallel;

/** Per-step inputs an objective needs besides the batch: the scheduled coefficient and dead latents. */
public record StepContext(double sparsityCoefficient, boolean[] dead, int deadCount, Parallel par) {}

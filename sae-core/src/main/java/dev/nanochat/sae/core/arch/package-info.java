/**
 * The training architectures over a small shared base: {@link dev.nanochat.sae.core.arch.Objective}
 * (parameter layout, init, export), {@link dev.nanochat.sae.core.arch.SparseObjective} (host sparse
 * kernels) and {@link dev.nanochat.sae.core.arch.DenseObjective} (DJL autograd). One sub-package per
 * architecture holds its inference SAE and its training objective; {@link dev.nanochat.sae.core.arch.Objectives}
 * is the registry keyed by the config's {@code architecture}.
 */
package dev.nanochat.sae.core.arch;

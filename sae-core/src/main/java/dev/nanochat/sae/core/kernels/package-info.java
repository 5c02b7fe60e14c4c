/**
 * Compute kernels: host sparse decode/backward ({@link dev.nanochat.sae.core.kernels.SparseKernels}), SIMD
 * primitives, row top-k, a deterministic parallel-for, and the dense device step
 * ({@link dev.nanochat.sae.core.kernels.DeviceTraining}).
 */
package dev.nanochat.sae.core.kernels;

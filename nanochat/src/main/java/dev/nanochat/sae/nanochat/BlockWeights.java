package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;

/** One transformer block's Linear weights, PyTorch layout [out, in] (y = x·Wᵀ, no biases). */
public record BlockWeights(NDArray cQ, NDArray cK, NDArray cV, NDArray attnProj, NDArray mlpFc, NDArray mlpProj) {}

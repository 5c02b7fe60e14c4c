package dev.nanochat.sae.nanochat;

import ai.djl.ndarray.NDArray;

/**
 * One transformer block's Linear weights, PyTorch layout [out, in] (y = x·Wᵀ, no biases). {@code qkv}
 * is the inference layout's fused [H·D + 2·Hkv·D, C] input projection, whose row blocks cQ, cK and cV
 * are views; null when the weights are separate arrays (trainable leaves).
 */
public record BlockWeights(
        NDArray cQ, NDArray cK, NDArray cV, NDArray attnProj, NDArray mlpFc, NDArray mlpProj, NDArray qkv) {}

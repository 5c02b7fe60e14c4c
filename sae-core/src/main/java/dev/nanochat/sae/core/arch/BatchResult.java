package dev.nanochat.sae.core.arch;

/**
 * What one forward/backward returns. Reductions: loss is the optimised objective (MSE summed over d_in,
 * mean over tokens, plus weighted sparsity/auxiliary terms); sqErrSum = Σ_t ‖x_t − x̂_t‖² over the batch;
 * tokenSqError[t] = ‖x_t − x̂_t‖²; firedCounts[i] = tokens of the batch where latent i was active;
 * minActive = smallest kept activation (BatchTopK's threshold estimate; NaN if unused).
 */
public record BatchResult(
        double loss,
        double sqErrSum,
        double auxLoss,
        double l0,
        int[] firedCounts,
        float[] tokenSqError,
        float minActive) {}

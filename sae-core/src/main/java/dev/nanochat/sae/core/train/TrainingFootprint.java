package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.SaeConfig;

/**
 * Memory a run needs, estimated before it starts so a service can refuse what cannot fit.
 *
 * Counted in float32 values, with P = trainable parameters (2·d_sae·d_in + d_sae + d_in, plus the gated
 * and jumprelu extras) and B = batch rows:
 * - host: parameters + Adam m, v (+ gradients on the sparse path) = 3–4·P; the shuffle buffer holds up to
 *   (shuffle + batch) rows and may double while growing; the batch itself.
 * - dense device step: parameters, gradients and moments (4·P) plus about 8 [B, d_sae] activations and
 *   their gradients alive at the backward's peak.
 * - sparse host step: the [B, d_sae] pre-activations and their top-k copy (2 × B·d_sae) plus a few
 *   [B, d_in] buffers.
 * It is an estimate (within ~25% of measured peaks at the README's sizes), erring high.
 */
public record TrainingFootprint(long hostBytes, long deviceBytes) {
    public static TrainingFootprint of(SaeConfig cfg, int batchRows, int shuffleRows, TrainingOptions.KernelPath path) {
        long n = cfg.dSae(), d = cfg.dIn(), b = batchRows;
        long p = 2 * n * d
                + n
                + d
                + switch (cfg.architecture()) {
                    case "gated" -> 2 * n;
                    case "jumprelu" -> n;
                    default -> 0;
                };
        long buffer = 2 * (long) (shuffleRows + batchRows) * d + b * d;
        boolean dense = path == TrainingOptions.KernelPath.DENSE;
        long host = (dense ? 3 * p : 4 * p) + buffer;
        long device = dense ? 4 * p + 8 * b * n : 2 * b * n + 6 * b * d;
        return new TrainingFootprint(4 * host, 4 * device);
    }

    public long totalBytes() {
        return hostBytes + deviceBytes;
    }

    public static String mib(long bytes) {
        return (bytes + (1 << 20) - 1) / (1 << 20) + " MiB";
    }
}

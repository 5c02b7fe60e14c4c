package dev.nanochat.sae.core;

/**
 * Run-specific training options that are not part of the SAE recipe ({@link SaeConfig}).
 *
 * @param totalTokens tokens the run will train on; sets the LR decay horizon (0 = unknown: no decay)
 * @param threads     Java worker threads for the sparse kernels (0 = available processors)
 * @param kernelPath  TopK/BatchTopK kernels: hand-written sparse, dense DJL autograd, or chosen per shape
 */
public record TrainingOptions(long totalTokens, int threads, KernelPath kernelPath) {
    /** How TopK/BatchTopK compute decode and backward. */
    public enum KernelPath { AUTO, SPARSE, DENSE }

    public TrainingOptions {
        if (totalTokens < 0) throw new IllegalArgumentException("totalTokens must be ≥ 0, got " + totalTokens);
        if (threads < 0) throw new IllegalArgumentException("threads must be ≥ 0, got " + threads);
        if (kernelPath == null) kernelPath = KernelPath.AUTO;
    }

    public static TrainingOptions defaults(long totalTokens) {
        return new TrainingOptions(totalTokens, 0, KernelPath.AUTO);
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}

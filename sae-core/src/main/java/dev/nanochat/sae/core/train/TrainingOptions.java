package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.SaeConfig;

/**
 * Run-specific training options that are not part of the SAE recipe ({@link SaeConfig}).
 *
 * @param totalTokens tokens the run will train on; sets the LR decay horizon (0 = unknown: no decay)
 * @param threads     Java worker threads for the sparse kernels (0 = available processors)
 * @param kernelPath  TopK/BatchTopK kernels: hand-written sparse, dense DJL autograd, or chosen per device
 * @param device      compute device name ({@link TrainingDevice}: "cpu", "gpu", "gpu:N"); null → "cpu"
 * @param metricsEvery loss, MSE/FVU, aux loss and gradient norm are read back from the device every this
 *                    many steps (0 = default: 1 on the CPU, {@value #GPU_METRICS_EVERY} on a GPU, where a
 *                    read-back is a device synchronisation). Steps in between report the latest measured
 *                    values. The dense path's fired counts are read at the same steps (added up on the
 *                    device in between), so dead latents are seen up to N − 1 steps late; nothing else
 *                    the weights depend on changes with it. Kept across a resume.
 */
public record TrainingOptions(long totalTokens, int threads, KernelPath kernelPath, String device, int metricsEvery) {
    /** Default metrics interval on a GPU. */
    public static final int GPU_METRICS_EVERY = 10;

    /**
     * How TopK/BatchTopK compute decode and backward. AUTO = the Java sparse kernels on the CPU and the
     * dense DJL path on a GPU (the sparse kernels gather rows of host float[]; on device memory that would
     * mean copying the weights to the host every step). SPARSE on a GPU is rejected, not silently moved.
     */
    public enum KernelPath {
        AUTO,
        SPARSE,
        DENSE
    }

    public TrainingOptions {
        if (totalTokens < 0) throw new IllegalArgumentException("totalTokens must be ≥ 0, got " + totalTokens);
        if (threads < 0) throw new IllegalArgumentException("threads must be ≥ 0, got " + threads);
        if (metricsEvery < 0)
            throw new IllegalArgumentException("metrics_every must be ≥ 0 (0 = default), got " + metricsEvery);
        if (kernelPath == null) kernelPath = KernelPath.AUTO;
        device = TrainingDevice.normalise(device);
    }

    public TrainingOptions(long totalTokens, int threads, KernelPath kernelPath, String device) {
        this(totalTokens, threads, kernelPath, device, 0);
    }

    /** CPU run (the original three-argument form). */
    public TrainingOptions(long totalTokens, int threads, KernelPath kernelPath) {
        this(totalTokens, threads, kernelPath, TrainingDevice.CPU);
    }

    public static TrainingOptions defaults(long totalTokens) {
        return new TrainingOptions(totalTokens, 0, KernelPath.AUTO);
    }

    public static TrainingOptions defaults(long totalTokens, String device) {
        return new TrainingOptions(totalTokens, 0, KernelPath.AUTO, device);
    }

    public TrainingOptions withDevice(String newDevice) {
        return new TrainingOptions(totalTokens, threads, kernelPath, newDevice, metricsEvery);
    }

    public TrainingOptions withTotalTokens(long newTotalTokens) {
        return new TrainingOptions(newTotalTokens, threads, kernelPath, device, metricsEvery);
    }

    /** The path TopK/BatchTopK actually take on this device (AUTO resolved; SPARSE on a GPU rejected). */
    public KernelPath effectiveKernelPath() {
        boolean gpu = TrainingDevice.isGpu(device);
        if (kernelPath == KernelPath.AUTO) return gpu ? KernelPath.DENSE : KernelPath.SPARSE;
        if (kernelPath == KernelPath.SPARSE && gpu)
            throw new IllegalArgumentException(
                    "kernel path SPARSE runs Java kernels over host memory and cannot train on " + device
                            + "; use DENSE or AUTO (which takes the dense DJL path on a GPU)");
        return kernelPath;
    }

    public TrainingOptions withMetricsEvery(int every) {
        return new TrainingOptions(totalTokens, threads, kernelPath, device, every);
    }

    /** The metrics interval actually used (0 resolved per device). */
    public int effectiveMetricsEvery() {
        return metricsEvery > 0 ? metricsEvery : TrainingDevice.isGpu(device) ? GPU_METRICS_EVERY : 1;
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}

package dev.nanochat.sae.cli;

import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.train.StepProfile;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * SAE training throughput on synthetic data. Last line: {@code tokens_per_s=<n> gflops=<n> peak_rss_mb=<n>},
 * where gflops counts only the irreducible encoder GEMM (2·B·d_in·d_sae per step) so it compares
 * directly with {@code sae bench gemm}. Two untimed warm-up steps precede the timed ones.
 *
 * On a shared machine absolute times mean little, so each timed step is followed by the encoder GEMM alone
 * at the same shape ({@link BenchGemmCommand#gflops}); the line {@code step_vs_gemm_peak=<r>
 * step_vs_gemm_median=<r>} gives the median step time over the fastest GEMM, and the median of the
 * per-step ratios (each step next to the GEMM right after it, so both saw about the same load).
 */
@Command(name = "train", description = "SAE training throughput on synthetic data")
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--arch", defaultValue = "topk")
    String arch;

    @Option(names = "--d-in", defaultValue = "768")
    int dIn;

    @Option(names = "--d-sae", defaultValue = "6144")
    int dSae;

    @Option(names = "--k", defaultValue = "32")
    int k;

    @Option(names = "--batch", defaultValue = "4096")
    int batch;

    @Option(names = "--steps", defaultValue = "10")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up steps")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", description = "Java kernel threads (0 = all cores)")
    int threads;

    @Option(names = "--kernels", defaultValue = "AUTO", description = "AUTO, SPARSE or DENSE (TopK/BatchTopK)")
    TrainingOptions.KernelPath kernels;

    @Option(
            names = "--metrics-every",
            defaultValue = "0",
            description = "read metrics back every N steps (0 = device default)")
    int metricsEvery;

    @Option(names = "--breakdown", description = "print wall time per phase of the sparse step (TopK/BatchTopK)")
    boolean breakdown;

    @Option(names = "--no-gemm", description = "skip the interleaved encoder-GEMM timing")
    boolean noGemm;

    @Override
    public Integer call() throws Exception {
        SaeConfig cfg = SaeConfig.builder(arch, dIn)
                .dSae(dSae)
                .k(k)
                .batchSize(batch)
                .warmupSteps(0)
                .build();
        Rng rng = new Rng(1);
        float[][] batches = new float[2][batch * dIn];
        for (float[] b : batches) for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        TrainingOptions opts =
                new TrainingOptions((long) batch * (steps + warmup), threads, kernels, "cpu", metricsEvery);
        try (Trainer trainer = new Trainer(cfg, opts)) {
            for (int s = 0; s < warmup; s++) trainer.step(batches[s % 2], batch);
            if (breakdown) {
                StepProfile.enable();
                StepProfile.drainMillis(); // the warm-up's laps
            }
            double[] stepS = new double[steps], gemmS = new double[steps];
            double seconds = 0;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                trainer.step(batches[s % 2], batch);
                stepS[s] = (System.nanoTime() - t0) / 1e9;
                seconds += stepS[s];
                if (!noGemm) gemmS[s] = 2.0 * batch * dIn * dSae / BenchGemmCommand.gflops(batch, dIn, dSae, 1) / 1e9;
            }
            double tokensPerS = (double) batch * steps / seconds;
            double gflops = 2.0 * batch * dIn * dSae * steps / seconds / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "arch=%s d_in=%d d_sae=%d k=%d batch=%d steps=%d kernels=%s step_ms=%.1f%n",
                    arch,
                    dIn,
                    dSae,
                    k,
                    batch,
                    steps,
                    kernels,
                    1000 * seconds / steps);
            if (!noGemm) {
                double[] ratios = new double[steps];
                for (int s = 0; s < steps; s++) ratios[s] = stepS[s] / gemmS[s];
                System.out.printf(
                        Locale.ROOT,
                        "step_vs_gemm_peak=%.2f step_vs_gemm_median=%.2f gemm_peak_gflops=%.1f%n",
                        median(stepS) / java.util.Arrays.stream(gemmS).min().orElseThrow(),
                        median(ratios),
                        2.0
                                * batch
                                * dIn
                                * dSae
                                / java.util.Arrays.stream(gemmS).min().orElseThrow()
                                / 1e9);
            }
            System.out.printf(
                    Locale.ROOT, "tokens_per_s=%.0f gflops=%.1f peak_rss_mb=%d%n", tokensPerS, gflops, peakRssMb());
            if (breakdown) {
                double total = 1000 * seconds;
                System.out.printf(Locale.ROOT, "breakdown (ms per step, share of the step):%n");
                StepProfile.drainMillis()
                        .forEach((phase, ms) -> System.out.printf(
                                Locale.ROOT, "  %-26s %8.2f  %5.1f%%%n", phase, ms / steps, 100 * ms / total));
            }
        }
        return 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}

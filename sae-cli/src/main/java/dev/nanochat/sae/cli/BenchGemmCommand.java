package dev.nanochat.sae.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Matmul GFLOP/s of the engine (DJL libtorch) at the SAE encoder shapes: [batch, d_in] × [d_in, d_sae]. */
@Command(name = "gemm", description = "Matmul GFLOP/s of the engine at the benchmark shapes")
public final class BenchGemmCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "4096")
    int batch;

    @Option(names = "--d-in", defaultValue = "768")
    int dIn;

    @Option(names = "--d-sae", split = ",", defaultValue = "6144,16384,32768")
    List<Integer> dSaes;

    @Option(names = "--reps", defaultValue = "5", description = "timed repetitions per shape (best is reported)")
    int reps;

    @Override
    public Integer call() {
        for (int n : dSaes)
            System.out.printf(
                    Locale.ROOT, "gemm m=%d k=%d n=%d gflops=%.1f%n", batch, dIn, n, gflops(batch, dIn, n, reps));
        return 0;
    }

    /** Best-of-reps GFLOP/s of x·encᵀ with enc stored [n, d] (the engine's layout). */
    public static double gflops(int m, int k, int n, int reps) {
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray x = mgr.randomNormal(new Shape(m, k));
            NDArray enc = mgr.randomNormal(new Shape(n, k));
            double best = Double.MAX_VALUE;
            for (int r = 0; r < reps + 1; r++) {
                long t0 = System.nanoTime();
                try (NDArray y = x.matMul(enc.transpose())) {
                    y.getFloat(0, 0); // force completion
                }
                if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * m * k * n / best / 1e9;
        }
    }
}

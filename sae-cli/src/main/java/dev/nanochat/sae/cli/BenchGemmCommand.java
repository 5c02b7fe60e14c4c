package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Matmul GFLOP/s of the engine at the benchmark shapes (placeholder until implemented). */
@Command(name = "gemm", description = "Matmul GFLOP/s of the engine at the benchmark shapes")
public final class BenchGemmCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae gemm is not implemented yet");
    }
}

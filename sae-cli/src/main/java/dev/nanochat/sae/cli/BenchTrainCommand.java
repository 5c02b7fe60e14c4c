package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** SAE training throughput on synthetic data (placeholder until implemented). */
@Command(name = "train", description = "SAE training throughput on synthetic data")
public final class BenchTrainCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae train is not implemented yet");
    }
}

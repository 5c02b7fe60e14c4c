package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** nanochat forward throughput (placeholder until implemented). */
@Command(name = "nanochat", description = "nanochat forward throughput")
public final class BenchNanochatCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae nanochat is not implemented yet");
    }
}

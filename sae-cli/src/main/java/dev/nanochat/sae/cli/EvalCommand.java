package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Evaluate an SAE folder on activations (placeholder until implemented). */
@Command(name = "eval", description = "Evaluate an SAE folder on activations")
public final class EvalCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae eval is not implemented yet");
    }
}

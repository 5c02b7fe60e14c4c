package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Bootstrap a small real nanochat model from a public corpus (placeholder until implemented). */
@Command(name = "demo-model", description = "Bootstrap a small real nanochat model from a public corpus")
public final class DemoModelCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae demo-model is not implemented yet");
    }
}

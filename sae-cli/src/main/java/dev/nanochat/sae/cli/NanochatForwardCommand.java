package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Run the forward pass and write logits and every hook tensor (placeholder until implemented). */
@Command(name = "forward", description = "Run the forward pass and write logits and every hook tensor")
public final class NanochatForwardCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae forward is not implemented yet");
    }
}

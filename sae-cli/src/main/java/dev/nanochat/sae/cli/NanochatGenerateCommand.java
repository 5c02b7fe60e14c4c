package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Generate text from a prompt (placeholder until implemented). */
@Command(name = "generate", description = "Generate text from a prompt")
public final class NanochatGenerateCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae generate is not implemented yet");
    }
}

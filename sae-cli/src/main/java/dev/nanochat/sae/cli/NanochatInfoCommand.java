package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Show a nanochat checkpoint's config, parameter count and files (placeholder until implemented). */
@Command(name = "info", description = "Show a nanochat checkpoint's config, parameter count and files")
public final class NanochatInfoCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae info is not implemented yet");
    }
}

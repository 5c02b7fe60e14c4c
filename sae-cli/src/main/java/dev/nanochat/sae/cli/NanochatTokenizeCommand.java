package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Tokenize text with a checkpoint's tokenizer (placeholder until implemented). */
@Command(name = "tokenize", description = "Tokenize text with a checkpoint's tokenizer")
public final class NanochatTokenizeCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae tokenize is not implemented yet");
    }
}

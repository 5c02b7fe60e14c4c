package dev.nanochat.sae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Train an SAE on activations stored in a safetensors file (placeholder until implemented). */
@Command(name = "train", description = "Train an SAE on activations stored in a safetensors file")
public final class TrainCommand implements Callable<Integer> {
    @Override public Integer call() {
        throw new UnsupportedOperationException("sae train is not implemented yet");
    }
}

package dev.nanochat.sae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the `sae` command line; each subcommand lives in its own file. */
@Command(
        name = "sae",
        mixinStandardHelpOptions = true,
        version = "nanochat-sae 0.1.0",
        description = "Train, evaluate and benchmark sparse autoencoders on nanochat activations.",
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            BenchCommand.class,
            NanochatCommand.class,
            NeuronpediaCommand.class,
            TrackCommand.class,
            SteerCommand.class,
            DemoModelCommand.class,
            DemoPipelineCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SaeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        int code = new CommandLine(new SaeCommand())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
        System.exit(code);
    }
}

package dev.nanochat.sae.cli;

import picocli.CommandLine.Command;

/** `sae nanochat ...`: work with nanochat checkpoints. */
@Command(
        name = "nanochat",
        description = "Inspect and run nanochat checkpoints",
        subcommands = {
            NanochatInfoCommand.class,
            NanochatTokenizeCommand.class,
            NanochatForwardCommand.class,
            NanochatActivationsCommand.class,
            NanochatGenerateCommand.class,
            NanochatRandomModelCommand.class
        })
public final class NanochatCommand {}

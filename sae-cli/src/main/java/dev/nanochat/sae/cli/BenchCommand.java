package dev.nanochat.sae.cli;

import picocli.CommandLine.Command;

/** `sae bench ...`: benchmarks that print figures. */
@Command(
        name = "bench",
        description = "Benchmarks that print figures",
        subcommands = {
            BenchGemmCommand.class,
            BenchTrainCommand.class,
            BenchNanochatCommand.class,
            BenchFeaturesCommand.class,
            BenchRuntimeCommand.class
        })
public final class BenchCommand {}

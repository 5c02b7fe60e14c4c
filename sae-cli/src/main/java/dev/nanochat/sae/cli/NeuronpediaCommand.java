package dev.nanochat.sae.cli;

import picocli.CommandLine.Command;

/** `sae neuronpedia ...`: package an SAE for Neuronpedia and SAELens, and upload it. */
@Command(
        name = "neuronpedia",
        description = "Package an SAE for Neuronpedia/SAELens and upload it",
        subcommands = {NeuronpediaExportCommand.class, NeuronpediaUploadCommand.class})
public final class NeuronpediaCommand {}

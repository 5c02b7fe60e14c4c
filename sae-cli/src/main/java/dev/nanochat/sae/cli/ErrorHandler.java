package dev.nanochat.sae.cli;

import picocli.CommandLine;

/** Prints domain errors as one clear line (no stack trace unless SAE_DEBUG is set), exit code 1. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (System.getenv("SAE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return 1;
    }
}

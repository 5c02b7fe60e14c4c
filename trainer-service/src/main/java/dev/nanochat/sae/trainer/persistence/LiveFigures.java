package dev.nanochat.sae.trainer.persistence;

/** Live figures of a run as its owner sees them (tokens include rows not yet checkpointed). */
public record LiveFigures(
        long tokens,
        Double tokensPerSecond,
        Double loss,
        Double fvu,
        Double l0,
        Double deadFraction,
        Long consumerLag,
        long dlqRecords,
        long duplicatesSkipped) {}

package dev.nanochat.sae.collector.store;

import dev.nanochat.sae.collector.collection.CollectionProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one runner's cumulative progress into increments of the Micrometer counters (tokens, records,
 * bytes, tagged by model) and the shared tokens/s gauge. Tokens count from the resume position, so a
 * replay after a restart is not counted twice; records and bytes count what this run sent.
 */
public final class ProgressMetrics {
    private final Counter tokens, records, bytes;
    private final AtomicLong tokensPerSecond;
    private long lastTokens, lastRecords, lastBytes;

    public ProgressMetrics(MeterRegistry registry, String modelId, long startTokens, AtomicLong tokensPerSecondGauge) {
        this.tokens = registry.counter("sae.collector.tokens", "model", modelId);
        this.records = registry.counter("sae.collector.records", "model", modelId);
        this.bytes = registry.counter("sae.collector.bytes", "model", modelId);
        this.tokensPerSecond = tokensPerSecondGauge;
        this.lastTokens = startTokens;
    }

    public void count(CollectionProgress p) {
        long t = p.committed().tokens();
        if (t > lastTokens) {
            tokens.increment(t - lastTokens);
        }
        lastTokens = t;
        records.increment(p.recordsThisRun() - lastRecords);
        bytes.increment(p.bytesThisRun() - lastBytes);
        lastRecords = p.recordsThisRun();
        lastBytes = p.bytesThisRun();
        tokensPerSecond.set(Math.round(p.tokensPerSecond()));
    }

    public void stopped() {
        tokensPerSecond.set(0);
    }
}

package dev.nanochat.sae.neuronpedia.api;

import java.time.Duration;

/**
 * How long to keep trying. 429 and 502/503/504 and unreachable servers are retried up to
 * {@code maxAttempts} with exponential backoff from {@code baseDelay} (doubling, capped at
 * {@code maxDelay}); a Retry-After header replaces the backoff (also capped). A bare 500 is usually
 * permanent on Neuronpedia (bad JSON, unknown source, duplicate index, not the creator), so it is
 * retried only {@code max500Retries} times. Neuronpedia's rate-limit window is 60 minutes and its 429
 * carries no Retry-After, so production defaults back off up to 10 minutes per wait.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, int max500Retries, Sleeper sleeper) {
    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be ≥ 1, got " + maxAttempts);
        if (max500Retries < 0) throw new IllegalArgumentException("max500Retries must be ≥ 0, got " + max500Retries);
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofSeconds(2), Duration.ofMinutes(10), 1, Sleeper.REAL);
    }

    /** Backoff before attempt {@code attempt + 1} (attempt counts from 1). */
    public Duration backoff(int attempt) {
        long ms = baseDelay.toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }

    public Duration cap(Duration d) {
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    /** Waiting, injectable so tests record the waits instead of sleeping them. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }
}

package dev.nanochat.sae.fuzz;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What one fuzz run found; {@link #assertClean()} fails the test with the first failures. */
public record FuzzReport(
        String parser,
        int cases,
        int valid,
        Map<String, Integer> typedErrors,
        List<String> failures,
        long maxAllocatedBytes,
        Duration elapsed) {

    public int errors() {
        return typedErrors.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Prints the summary (the figures the README quotes) and throws if any case failed. */
    public FuzzReport assertClean() {
        System.out.println(this);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + cases + " " + parser + " cases failed:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(10, failures.size()))));
        }
        return this;
    }

    @Override
    public String toString() {
        return String.format(
                "fuzz %s: %d cases, %d valid, %d typed errors %s, %d failures, max %.1f MiB allocated per case, %.1f s",
                parser,
                cases,
                valid,
                errors(),
                typedErrors,
                failures.size(),
                maxAllocatedBytes / 1048576.0,
                elapsed.toMillis() / 1000.0);
    }
}

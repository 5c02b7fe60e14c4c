package dev.nanochat.sae.train;

/**
 * Learning-rate multiplier as a function of training progress in [0, 1]: linear warmup, then a
 * cosine decay to {@code finalFraction}. Progress, not step, because a demo run is bounded by
 * wall-clock minutes on a shared machine: the trainer passes max(step/maxSteps, elapsed/budget),
 * so the schedule always completes however fast the machine happens to be.
 */
public record LrSchedule(double warmupFraction, double finalFraction) {
    public LrSchedule {
        if (warmupFraction < 0 || warmupFraction >= 1)
            throw new IllegalArgumentException("warmup fraction must be in [0,1), got " + warmupFraction);
        if (finalFraction < 0 || finalFraction > 1)
            throw new IllegalArgumentException("final lr fraction must be in [0,1], got " + finalFraction);
    }

    public double multiplier(double progress) {
        double p = Math.min(1, Math.max(0, progress));
        if (p < warmupFraction) return (p + 1e-3) / (warmupFraction + 1e-3);
        double decay = (p - warmupFraction) / (1 - warmupFraction);
        return finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * decay));
    }
}

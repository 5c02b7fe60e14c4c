package dev.nanochat.sae.core.train;

import dev.nanochat.sae.core.SaeConfig;

/**
 * Learning-rate and sparsity-coefficient schedules as pure functions of the step, so a resumed run
 * (which restores the step) continues the schedule exactly.
 *
 * LR: linear warmup over warmup_steps, then constant; "linear" decays to 0 over the last 20% of the run
 * (Anthropic's recipe), "cosine" decays from the end of warmup to 0 at the last step. With an unknown
 * run length (totalSteps 0) there is no decay.
 */
public final class LrSchedule {
    public static final double LINEAR_DECAY_FRACTION = 0.2;

    private LrSchedule() {}

    /** LR for the 0-based step about to be taken. */
    public static double lr(SaeConfig cfg, long step, long totalSteps) {
        double base = cfg.learningRate();
        if (step < cfg.warmupSteps()) return base * (step + 1) / cfg.warmupSteps();
        if (totalSteps <= 0 || "constant".equals(cfg.lrDecay())) return base;
        if ("cosine".equals(cfg.lrDecay())) {
            long span = Math.max(1, totalSteps - cfg.warmupSteps());
            double progress = Math.min(1.0, (double) (step - cfg.warmupSteps()) / span);
            return base * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
        long decaySteps = Math.max(1, Math.round(totalSteps * LINEAR_DECAY_FRACTION));
        long decayStart = Math.max(cfg.warmupSteps(), totalSteps - decaySteps);
        if (step < decayStart) return base;
        return base * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - decayStart));
    }

    /** Sparsity (L1 / L0) coefficient with linear warmup over l1_warmup_steps. */
    public static double sparsityCoefficient(SaeConfig cfg, long step) {
        if (cfg.l1WarmupSteps() == 0) return cfg.l1Coefficient();
        return cfg.l1Coefficient() * Math.min(1.0, (double) (step + 1) / cfg.l1WarmupSteps());
    }
}

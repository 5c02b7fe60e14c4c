package dev.nanochat.sae.trainer.scaling;

import java.time.Instant;
import java.util.Collection;

/**
 * What the trainer pool is asked to do, as KEDA's metrics-api scaler reads it from {@code GET /scaling}.
 *
 * <p>Design: lag is counted per run as records its consumer group {@code sae-run-<id>} has not committed
 * on the run's activation topic (a run commits only what a durable checkpoint covers, so this is also what
 * a moved run would re-read). {@code totalLag} sums it over every unfinished run, paused ones included (it
 * is the backlog). A run is <em>behind</em> when it wants to train (desired RUNNING) and its lag reaches
 * {@code lagThreshold}: between two checkpoints every live run carries some uncommitted records, and
 * those must not add pods; a paused run's backlog asks for no trainer. {@code desiredTrainers} =
 * ceil(runsBehind / runsPerTrainer) is what the ScaledObject scales on (target value 1), so the pool grows
 * with the number of runs that fall behind, not with the size of one backlog, which a run cannot consume
 * faster on more pods (a run is trained by one pod at a time).
 *
 * @param totalLag        uncommitted records summed over the unfinished runs
 * @param unfinishedRuns  runs not yet completed, stopped or failed
 * @param runsBehind      runs that want to train with a lag of at least {@code lagThreshold}
 * @param desiredTrainers ceil(runsBehind / runsPerTrainer)
 */
public record ScalingDemand(
        long totalLag,
        int unfinishedRuns,
        int runsBehind,
        int desiredTrainers,
        long lagThreshold,
        int runsPerTrainer,
        Instant computedAt) {

    /** One unfinished run: its uncommitted records, and whether it wants to train now (not paused). */
    public record RunLag(long lag, boolean training) {}

    public ScalingDemand {
        if (lagThreshold < 1 || runsPerTrainer < 1) {
            throw new IllegalArgumentException("lagThreshold and runsPerTrainer must be at least 1");
        }
    }

    public static ScalingDemand of(Collection<RunLag> runs, long lagThreshold, int runsPerTrainer, Instant now) {
        long total = 0;
        int behind = 0;
        for (RunLag r : runs) {
            total += r.lag();
            if (r.training() && r.lag() >= lagThreshold) behind++;
        }
        int desired = runsPerTrainer < 1 ? 0 : (behind + runsPerTrainer - 1) / runsPerTrainer; // validated below
        return new ScalingDemand(total, runs.size(), behind, desired, lagThreshold, runsPerTrainer, now);
    }
}

package dev.nanochat.sae.trainer.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanochat.sae.trainer.scaling.ScalingDemand.RunLag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingDemandTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void trainers_follow_the_runs_that_fall_behind_not_the_size_of_the_backlog() {
        // 5 training runs, 3 of them at or above the threshold 100; one paused run with a big backlog.
        List<RunLag> runs = List.of(
                new RunLag(100, true),
                new RunLag(5000, true),
                new RunLag(99, true),
                new RunLag(0, true),
                new RunLag(250, true),
                new RunLag(10_000, false));
        ScalingDemand d = ScalingDemand.of(runs, 100, 2, NOW);
        assertEquals(15_449, d.totalLag(), "the backlog of every unfinished run, paused included");
        assertEquals(6, d.unfinishedRuns());
        assertEquals(3, d.runsBehind(), "lag 100, 5000, 250; not 99, 0 or the paused run");
        assertEquals(2, d.desiredTrainers(), "ceil(3 / 2)");
        assertEquals(3, ScalingDemand.of(runs, 100, 1, NOW).desiredTrainers());
        assertEquals(1, ScalingDemand.of(runs, 100, 4, NOW).desiredTrainers());
    }

    @Test
    void no_runs_ask_for_no_trainers() {
        ScalingDemand d = ScalingDemand.of(List.of(), 100, 2, NOW);
        assertEquals(
                List.of(0L, 0, 0, 0), List.of(d.totalLag(), d.unfinishedRuns(), d.runsBehind(), d.desiredTrainers()));
    }

    @Test
    void a_threshold_or_share_below_one_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> ScalingDemand.of(List.of(), 0, 1, NOW));
        assertThrows(IllegalArgumentException.class, () -> ScalingDemand.of(List.of(), 1, 0, NOW));
    }
}

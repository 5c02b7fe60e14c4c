package dev.nanochat.sae.trainer.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which checkpoints of a run to delete. Kept: the last {@code keepLast} by tokens (the newest is what a
 * resume reads, so it is always among them), every final one, and the best one by score (lower is
 * better: the training loss recorded with the checkpoint; the trainer does not see evaluator metrics).
 * {@code keepLast <= 0} keeps everything (the default: a slow evaluator may still need old folders).
 * Plain Java so the rule is testable without a database.
 */
public final class RetentionPolicy {
    /** One checkpoint row as the policy sees it; {@code score} null when the checkpoint has no loss. */
    public record Candidate(long id, long tokens, boolean isFinal, Double score) {}

    private final int keepLast;
    private final boolean keepBest;

    public RetentionPolicy(int keepLast, boolean keepBest) {
        this.keepLast = keepLast;
        this.keepBest = keepBest;
    }

    public boolean enabled() {
        return keepLast > 0;
    }

    /** Ids to delete, oldest first. */
    public List<Long> toDelete(List<Candidate> checkpoints) {
        if (!enabled()) {
            return List.of();
        }
        List<Candidate> byAge = new ArrayList<>(checkpoints);
        byAge.sort(Comparator.comparingLong(Candidate::tokens).thenComparingLong(Candidate::id));
        Set<Long> keep = new HashSet<>();
        for (int i = Math.max(0, byAge.size() - keepLast); i < byAge.size(); i++) {
            keep.add(byAge.get(i).id());
        }
        byAge.stream().filter(Candidate::isFinal).forEach(c -> keep.add(c.id()));
        if (keepBest) {
            byAge.stream()
                    .filter(c -> c.score() != null && Double.isFinite(c.score()))
                    .min(Comparator.comparingDouble(Candidate::score))
                    .ifPresent(c -> keep.add(c.id()));
        }
        return byAge.stream()
                .map(Candidate::id)
                .filter(id -> !keep.contains(id))
                .toList();
    }
}

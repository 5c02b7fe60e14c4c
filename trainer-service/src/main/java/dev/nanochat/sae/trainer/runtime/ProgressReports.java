package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.core.train.StepMetrics;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.kafka.ProgressPublisher;
import dev.nanochat.sae.trainer.kafka.RunLabels;
import java.util.Map;

/**
 * When a run's step metrics go to sae.training-progress: on a step with freshly measured metrics, at
 * most once per interval (wall clock), and always on the last step of the loop (run completed, stopped,
 * paused or handed over). Metric names are the checkpoint event's (StepMetrics plus the DLQ and replay
 * counts), so viz can merge a checkpoint into the step point it falls on. Runs on the training thread;
 * publishing only enqueues.
 */
final class ProgressReports {
    private final ProgressPublisher publisher;
    private final String runId;
    private final RunLabels labels;
    private final KafkaRecordSource source;
    private final long intervalNanos;
    private long lastSentAt;
    private long lastSentStep = -1;

    ProgressReports(
            ProgressPublisher publisher, String runId, RunLabels labels, KafkaRecordSource source, long intervalNanos) {
        this.publisher = publisher;
        this.runId = runId;
        this.labels = labels;
        this.source = source;
        this.intervalNanos = intervalNanos;
    }

    /** {@code fresh}: the step's loss/MSE/FVU were measured at this step, not repeated from an earlier one. */
    void stepped(StepMetrics m, boolean fresh) {
        long now = System.nanoTime();
        if (fresh && (lastSentStep < 0 || now - lastSentAt >= intervalNanos)) {
            send(m, now);
        }
    }

    /** The loop's last step, sent unless it already was. */
    void last(StepMetrics m) {
        if (m != null && m.step() != lastSentStep) {
            send(m, System.nanoTime());
        }
    }

    private void send(StepMetrics m, long now) {
        Map<String, Object> metrics = m.toMap();
        metrics.put("dlq_records", source.deadLettered());
        metrics.put("duplicates_skipped", source.duplicatesSkipped());
        publisher.publish(
                new TrainingProgress(
                        runId,
                        m.step(),
                        m.tokens(),
                        labels.modelId(),
                        labels.hook(),
                        labels.architecture(),
                        TrainingProgress.finite(metrics)),
                System.currentTimeMillis());
        lastSentAt = now;
        lastSentStep = m.step();
    }
}

package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.core.train.StepMetrics;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingLoop;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.kafka.RunLabels;
import dev.nanochat.sae.trainer.persistence.LiveFigures;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import io.micrometer.core.instrument.Counter;

/**
 * The shell's side of a training loop: remembers the latest step metrics, refreshes the run's live
 * figures in PostgreSQL about once a second (which doubles as the fencing check), translates stop
 * requests into loop commands, delegates checkpoints, and reports step metrics on sae.training-progress
 * ({@link ProgressReports}).
 */
final class RunProgress implements TrainingLoop.Listener {
    private static final long LIVE_EVERY_MS = 1000;

    private final RunServices services;
    private final RunEntity run;
    private final long epoch;
    private final Trainer trainer;
    private final KafkaRecordSource source;
    private final RunCheckpointer checkpointer;
    private final Counter tokensCounter;
    private final ProgressReports reports;
    private volatile StopReason stop;
    private volatile StepMetrics last;
    private boolean fenced;
    private long lastLiveAt = System.currentTimeMillis();
    private long lastLiveTokens;
    private Double tokensPerSecond;
    private long prevTrained;

    RunProgress(RunServices services, RunEntity run, long epoch, Trainer trainer, KafkaRecordSource source) {
        this.services = services;
        this.run = run;
        this.epoch = epoch;
        this.trainer = trainer;
        this.source = source;
        this.checkpointer = new RunCheckpointer(services, run, epoch);
        this.tokensCounter = services.meters.counter("trainer.tokens", "run", run.id);
        this.reports = new ProgressReports(
                services.progress,
                run.id,
                RunLabels.of(run),
                source,
                services.config.progressInterval().toNanos());
        this.lastLiveTokens = trainer.tokensSeen();
        this.prevTrained = lastLiveTokens;
    }

    void requestStop(StopReason reason) {
        if (stop != StopReason.ABANDON) {
            stop = reason;
        }
    }

    StopReason stopReason() {
        return stop;
    }

    @Override
    public void stepped(StepMetrics metrics, long tokensTrained) {
        tokensCounter.increment(tokensTrained - prevTrained);
        prevTrained = tokensTrained;
        last = metrics;
        reports.stepped(metrics, metrics.step() == trainer.lastMeasuredStep());
    }

    @Override
    public void checkpoint(long tokens, boolean last) throws Exception {
        boolean isFinal = last || stop == StopReason.STOP;
        if (last || stop != null) {
            reports.last(this.last); // the loop ends after this checkpoint
        }
        if (!isFinal && tokens == run.tokensCheckpointed) {
            return; // nothing trained since the checkpoint we resumed from
        }
        if (!checkpointer.write(trainer, source, this.last, run.lastStep, isFinal)) {
            fenced = true;
        }
        run.tokensCheckpointed = tokens;
    }

    @Override
    public TrainingLoop.Command command() {
        long now = System.currentTimeMillis();
        if (!fenced && now - lastLiveAt >= LIVE_EVERY_MS) {
            long tokens = trainer.tokensSeen();
            tokensPerSecond = (tokens - lastLiveTokens) * 1000.0 / (now - lastLiveAt);
            lastLiveAt = now;
            lastLiveTokens = tokens;
            StepMetrics m = last;
            LiveFigures f = new LiveFigures(
                    tokens,
                    tokensPerSecond,
                    m == null ? null : m.loss(),
                    m == null ? null : m.fvu(),
                    m == null ? null : m.l0(),
                    m == null ? null : m.deadFraction(),
                    source.lag(),
                    source.deadLettered(),
                    source.duplicatesSkipped());
            fenced = !services.store.live(run.id, epoch, f);
        }
        if (fenced || stop == StopReason.ABANDON) {
            return TrainingLoop.Command.ABANDON;
        }
        return stop == null ? TrainingLoop.Command.CONTINUE : TrainingLoop.Command.CHECKPOINT_AND_STOP;
    }
}

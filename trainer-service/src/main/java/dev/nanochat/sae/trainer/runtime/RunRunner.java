package dev.nanochat.sae.trainer.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.train.LoopSettings;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingLoop;
import dev.nanochat.sae.core.train.TrainingOptions;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.persistence.CheckpointEntity;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One run trained by this instance, on its own thread: claim (fencing older owners), resume from the
 * latest checkpoint or start fresh, run the loop over the run's Kafka source, then settle the status.
 */
final class RunRunner implements Runnable {
    private static final Logger LOG = Logger.getLogger(RunRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunServices services;
    private final RunEntity run;
    private final Thread thread;
    private volatile RunProgress progress;
    private volatile StopReason earlyStop;

    RunRunner(RunServices services, RunEntity run) {
        this.services = services;
        this.run = run;
        this.thread = new Thread(this, "run-" + run.id);
    }

    String runId() {
        return run.id;
    }

    void start() {
        thread.start();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    void requestStop(StopReason reason) {
        earlyStop = reason;
        RunProgress p = progress;
        if (p != null) {
            p.requestStop(reason);
        }
    }

    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    /**
     * Attempts until the run settles. A transient failure (TransientFailures) throws away this
     * attempt's trainer and consumer and, after a backoff, starts again from the last durable
     * checkpoint and its offsets: what was trained since is trained again, and since offsets are
     * committed only after a checkpoint row, each record counts once in the surviving timeline.
     * Only permanent failures (or too many transient ones in a row) end the run FAILED.
     */
    @Override
    public void run() {
        long epoch = -1;
        int consecutive = 0;
        long checkpointedAtFailure = -1;
        while (true) {
            try {
                epoch = epoch < 0
                        ? services.store.claim(run.id, services.instance.value())
                        : services.store.reclaim(run.id, services.instance.value(), epoch);
                if (epoch < 0) {
                    LOG.infof("run %s was taken over while it waited to retry; leaving it", run.id);
                    return;
                }
                if (attempt(epoch)) {
                    return;
                }
            } catch (Throwable e) {
                int max = services.config.retryMaxAttempts();
                if (!TransientFailures.isTransient(e) || consecutive >= max) {
                    fail(epoch, e, consecutive >= max ? "gave up after " + max + " transient failures: " : "");
                    return;
                }
                if (run.tokensCheckpointed > checkpointedAtFailure) {
                    consecutive = 0; // a checkpoint since the last failure: the count is of failures in a row
                }
                checkpointedAtFailure = run.tokensCheckpointed;
                consecutive++;
                String why = TransientFailures.describe(e);
                long backoff = Math.min(
                        services.config.retryMaxBackoffMs(),
                        services.config.retryInitialBackoffMs() << Math.min(consecutive - 1, 20));
                LOG.warnf(
                        "run %s: transient failure %d (%s); resuming from the last checkpoint in %d ms",
                        run.id, consecutive, why, backoff);
                services.meters.counter("trainer.run.retries", "run", run.id).increment();
                recordRetry(epoch, why);
                if (!backOff(backoff)) {
                    return;
                }
                reloadRun();
            }
        }
    }

    /** One attempt: true when the run has settled (or is no longer this instance's to train). */
    private boolean attempt(long epoch) throws Exception {
        SaeConfig config = SaeConfig.fromJson(JSON.readTree(run.saeConfig));
        Optional<CheckpointEntity> latest = services.store.latestCheckpoint(run.id);
        if (latest.isPresent() && latest.get().isFinal) {
            // A failure after the final checkpoint (announcing it, settling): finish, don't train again.
            services.checkpoints.publish(run, latest.get());
            settleFinal(epoch, latest.get());
            return true;
        }
        long stopAfter = run.stopAfterTokens == null ? 0 : run.stopAfterTokens;
        progress = null;
        // The run's device wins over the one stored in the checkpoint (a GPU run may resume on a CPU
        // instance only if the run itself says cpu); the trainer resolves it through DJL and fails fast.
        try (Trainer trainer = latest.isPresent()
                ? Trainer.resume(Path.of(latest.get().path), run.device)
                : new Trainer(config, TrainingOptions.defaults(stopAfter, run.device))) {
            services.store.describeEngine(run.id, epoch, trainer.engineDescription());
            Map<String, String> position = latest.isPresent() ? trainer.sourcePosition() : Map.of();
            long dlqBefore = latest.map(c -> c.dlqRecords).orElse(0L);
            long duplicatesBefore = latest.map(c -> c.duplicatesSkipped).orElse(0L);
            run.tokensCheckpointed = trainer.tokensSeen();
            if (latest.isPresent()) {
                // The previous owner may have died between recording this checkpoint and announcing
                // it: announce again (same CloudEvents id runId:step, so consumers de-duplicate).
                services.checkpoints.publish(run, latest.get());
            }
            LOG.infof(
                    "run %s (epoch %d) starts at %d tokens from %s; %s",
                    run.id, epoch, trainer.tokensSeen(), run.activationTopic, trainer.engineDescription());
            try (KafkaRecordSource source = services.openSource(
                    run.id, run.activationTopic, config.dIn(), position, dlqBefore, duplicatesBefore)) {
                progress = new RunProgress(services, run, epoch, trainer, source);
                if (earlyStop != null) {
                    progress.requestStop(earlyStop);
                }
                LoopSettings settings = new LoopSettings(
                        run.batchTokens,
                        Math.max(run.shuffleBufferTokens, run.batchTokens),
                        run.checkpointEveryTokens,
                        run.stopAfterTokens,
                        Duration.ofMillis(200),
                        Duration.ofSeconds(2));
                TrainingLoop.Outcome outcome =
                        new TrainingLoop(trainer, source, settings, progress, config.dIn(), config.seed()).run();
                settle(epoch, outcome);
                return true;
            }
        }
    }

    private void settleFinal(long epoch, CheckpointEntity last) {
        RunStatus status = last.tokens >= (run.stopAfterTokens == null ? Long.MAX_VALUE : run.stopAfterTokens)
                ? RunStatus.COMPLETED
                : RunStatus.STOPPED;
        LOG.infof("run %s ends here after a retry: %s at its final checkpoint", run.id, status);
        if (services.store.settle(run.id, epoch, status, null)) {
            services.notices.tombstone(run.id, run.slot);
        }
    }

    private void fail(long epoch, Throwable e, String prefix) {
        LOG.errorf(e, "run %s failed", run.id);
        try {
            if (services.store.settle(run.id, epoch, RunStatus.FAILED, prefix + e.getMessage())) {
                services.notices.tombstone(run.id, run.slot);
            }
        } catch (RuntimeException again) {
            LOG.errorf(again, "run %s: could not record its failure", run.id);
        }
    }

    /** Best effort: the database may be the thing that is away. */
    private void recordRetry(long epoch, String why) {
        try {
            services.store.recordRetry(run.id, epoch, why);
        } catch (RuntimeException e) {
            LOG.debugf("run %s: retry not recorded (%s)", run.id, e.getMessage());
        }
    }

    /** Sleeps the backoff in short steps; false when a stop, pause or hand-over arrived meanwhile. */
    private boolean backOff(long ms) {
        long until = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < until) {
            if (earlyStop != null) {
                break;
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        // A pause/stop still goes through an attempt (resume, then checkpoint-and-stop at once);
        // a hand-over or abandon leaves the run to its next owner.
        return earlyStop == null || earlyStop == StopReason.PAUSE || earlyStop == StopReason.STOP;
    }

    /** Fresh view of the run (desired state, checkpoint figures) for the next attempt; kept if the DB is away. */
    private void reloadRun() {
        try {
            services.store.find(run.id).ifPresent(fresh -> {
                run.tokensCheckpointed = fresh.tokensCheckpointed;
                run.lastStep = fresh.lastStep;
            });
        } catch (RuntimeException e) {
            LOG.debugf("run %s: reload failed (%s)", run.id, e.getMessage());
        }
    }

    private void settle(long epoch, TrainingLoop.Outcome outcome) {
        RunStatus status =
                switch (outcome) {
                    case COMPLETED -> RunStatus.COMPLETED;
                    case ABANDONED -> null;
                    case STOPPED -> switch (progress.stopReason()) {
                        case PAUSE -> RunStatus.PAUSED;
                        case STOP -> RunStatus.STOPPED;
                        default -> RunStatus.RUNNING; // handed over: the next owner continues it
                    };
                };
        LOG.infof("run %s ends here: %s", run.id, outcome);
        if (status != null && services.store.settle(run.id, epoch, status, null) && status.terminal()) {
            services.notices.tombstone(run.id, run.slot);
        }
    }
}

package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.train.LoopSettings;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingLoop;
import dev.nanochat.sae.core.train.TrainingOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    @Override
    public void run() {
        long epoch = services.store.claim(run.id, services.instance.value());
        try {
            SaeConfig config = SaeConfig.fromJson(JSON.readTree(run.saeConfig));
            Optional<CheckpointEntity> latest = services.store.latestCheckpoint(run.id);
            long stopAfter = run.stopAfterTokens == null ? 0 : run.stopAfterTokens;
            // The run's device wins over the one stored in the checkpoint (a GPU run may resume on a CPU
            // instance only if the run itself says cpu); the trainer resolves it through DJL and fails fast.
            try (Trainer trainer = latest.isPresent() ? Trainer.resume(Path.of(latest.get().path), run.device)
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
                LOG.infof("run %s (epoch %d) starts at %d tokens from %s; %s", run.id, epoch,
                        trainer.tokensSeen(), run.activationTopic, trainer.engineDescription());
                try (KafkaRecordSource source = services.openSource(run.id, run.activationTopic, config.dIn(),
                        position, dlqBefore, duplicatesBefore)) {
                    progress = new RunProgress(services, run, epoch, trainer, source);
                    if (earlyStop != null) {
                        progress.requestStop(earlyStop);
                    }
                    LoopSettings settings = new LoopSettings(run.batchTokens,
                            Math.max(run.shuffleBufferTokens, run.batchTokens), run.checkpointEveryTokens,
                            run.stopAfterTokens, Duration.ofMillis(200), Duration.ofSeconds(2));
                    TrainingLoop.Outcome outcome = new TrainingLoop(trainer, source, settings, progress,
                            config.dIn(), config.seed()).run();
                    settle(epoch, outcome);
                }
            }
        } catch (Throwable e) {
            LOG.errorf(e, "run %s failed", run.id);
            if (services.store.settle(run.id, epoch, RunStatus.FAILED, String.valueOf(e.getMessage()))) {
                services.notices.tombstone(run.id, run.slot);
            }
        }
    }

    private void settle(long epoch, TrainingLoop.Outcome outcome) {
        RunStatus status = switch (outcome) {
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

package dev.nanochat.sae.trainer.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Flat {@code sae.trainer.*} settings from application.properties (topic names: service-support's TopicNames). */
@ConfigMapping(prefix = "sae.trainer")
public interface TrainerConfig {
    /** Shown as a run's owner; host name + pid when unset. */
    Optional<String> instanceId();

    /** Checkpoint store: a directory (a shared volume when instances run on several hosts). */
    Path checkpointDir();

    String group();

    @WithDefault("32")
    int runSlots();

    /** Device for runs whose request names none: cpu | gpu | gpu:N (env SAE_DEVICE). */
    @WithDefault("cpu")
    String defaultDevice();

    /** Unfinished runs one device may hold (each trains on its own thread and memory). */
    @WithDefault("4")
    int runsPerDevice();

    /**
     * Memory one run may use on its device, MiB; absent: the JVM's max heap on cpu (host arrays live
     * there), unchecked on a GPU unless set (size it to the card).
     */
    Optional<Long> deviceMemoryMb();

    @WithDefault("10000")
    int sessionTimeoutMs();

    @WithDefault("1")
    short replicationFactor();

    /** What {@code GET /scaling} (KEDA's metrics-api trigger) reports; see ScalingDemand. */
    Scaling scaling();

    interface Scaling {
        /** Uncommitted records from which a training run counts as behind. */
        @WithDefault("100")
        long lagThreshold();

        /** Runs behind per trainer pod: desiredTrainers = ceil(runsBehind / this). */
        @WithDefault("1")
        int runsPerTrainer();

        /** The figures are recomputed at most this often (each computation is 3-4 Admin calls). */
        @WithDefault("5000")
        long cacheMs();
    }

    /**
     * Transient failures (broker or database away, see TransientFailures) a run survives before it
     * fails for good; each one restarts the run from its last checkpoint after a backoff.
     */
    @WithDefault("50")
    int retryMaxAttempts();

    /** First backoff after a transient failure, doubled per consecutive failure up to the max. */
    @WithDefault("1000")
    long retryInitialBackoffMs();

    @WithDefault("30000")
    long retryMaxBackoffMs();

    /**
     * A run publishes its latest step metrics on sae.training-progress at most this often (wall clock),
     * and always its last step; the viz runs page draws them as per-step curves.
     */
    @WithDefault("1s")
    java.time.Duration progressInterval();

    Retention retention();

    /** {@code sae.trainer.retention.*}: which checkpoints and per-run meters are kept. */
    interface Retention {
        /** Checkpoints kept per run besides the best and the final ones; 0 keeps all. */
        @WithDefault("0")
        int keepLast();

        /** Also keep the checkpoint with the lowest training loss. */
        @WithDefault("true")
        boolean keepBest();

        /** Per-run meters (tag {@code run}) of runs finished longer ago than this are removed. */
        @WithDefault("PT1H")
        java.time.Duration metricsMaxAge();
    }
}

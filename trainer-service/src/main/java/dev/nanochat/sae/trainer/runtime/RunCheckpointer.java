package dev.nanochat.sae.trainer.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.io.Digests;
import dev.nanochat.sae.core.train.StepMetrics;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.trainer.kafka.KafkaRecordSource;
import dev.nanochat.sae.trainer.persistence.CheckpointEntity;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One checkpoint, in the order that makes "trained exactly once" hold:
 * dead letters flushed → SAELens folder + training state (with the Kafka position) written atomically
 * → row in PostgreSQL (fenced by epoch; this is what a resume reads) → offsets committed to the run's
 * group → CloudEvent published. A crash before the DB row leaves an unreferenced folder that the next
 * write of the same token count replaces. Then retention (RetentionPolicy) prunes older checkpoints:
 * rows first, folders after, so a resume never reads a row whose folder is gone; a pruning error is
 * logged and leaves the checkpoint standing (the next one prunes again).
 */
final class RunCheckpointer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(RunCheckpointer.class);

    private final RunServices services;
    private final RunEntity run;
    private final long epoch;

    RunCheckpointer(RunServices services, RunEntity run, long epoch) {
        this.services = services;
        this.run = run;
        this.epoch = epoch;
    }

    /** Returns false when this instance has been fenced off (another owner took the run). */
    boolean write(Trainer trainer, KafkaRecordSource source, StepMetrics last, long lastStep, boolean isFinal)
            throws Exception {
        services.producer.flush();
        Map<String, String> position = source.position();
        long tokens = trainer.tokensSeen();
        Path dir = services.config
                .checkpointDir()
                .toAbsolutePath()
                .resolve(run.id)
                .resolve(String.format("tokens-%012d%s", tokens, isFinal ? "-final" : ""));
        trainer.checkpoint(dir, position);
        CheckpointEntity c = new CheckpointEntity();
        c.step = last != null ? last.step() : lastStep;
        c.tokens = tokens;
        c.dlqRecords = source.deadLettered();
        c.duplicatesSkipped = source.duplicatesSkipped();
        c.path = dir.toString();
        c.sha256 = Digests.sha256(dir.resolve("sae_weights.safetensors"));
        c.isFinal = isFinal;
        c.metrics = JSON.writeValueAsString(last != null ? last.toMap() : Map.of());
        if (!services.store.recordCheckpoint(run.id, epoch, c)) {
            return false;
        }
        source.commit(position);
        services.checkpoints.publish(run, c);
        services.meters.counter("trainer.checkpoints", "run", run.id).increment();
        prune();
        return true;
    }

    private void prune() {
        RetentionPolicy policy = new RetentionPolicy(
                services.config.retention().keepLast(),
                services.config.retention().keepBest());
        if (!policy.enabled()) {
            return;
        }
        try {
            List<RetentionPolicy.Candidate> all = services.store.checkpoints(run.id).stream()
                    .map(c -> new RetentionPolicy.Candidate(c.id, c.tokens, c.isFinal, loss(c.metrics)))
                    .toList();
            List<Long> doomed = policy.toDelete(all);
            for (String path : services.store.deleteCheckpoints(run.id, doomed)) {
                deleteTree(Path.of(path));
            }
            if (!doomed.isEmpty()) {
                LOG.debugf("run %s: retention deleted %d checkpoints", run.id, doomed.size());
            }
        } catch (Exception e) {
            LOG.warnf(
                    "run %s: checkpoint retention failed (%s); retried at the next checkpoint", run.id, e.getMessage());
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static Double loss(String metrics) {
        try {
            JsonNode loss = JSON.readTree(metrics).get("loss");
            return loss == null || !loss.isNumber() ? null : loss.asDouble();
        } catch (Exception e) {
            return null;
        }
    }
}

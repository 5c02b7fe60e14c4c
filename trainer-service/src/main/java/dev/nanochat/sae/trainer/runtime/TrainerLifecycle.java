package dev.nanochat.sae.trainer.runtime;

import ai.djl.engine.Engine;
import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.kafka.RunOwnership;
import dev.nanochat.sae.trainer.kafka.TopicInitializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Startup: topics, then join the trainer group. Shutdown: leave it (runs are checkpointed and handed
 * over). If the ownership consumer dies (any error escaping its loop: it has already released its
 * runs), it is started again with backoff (1 s doubling to 30 s), so the instance rejoins the group
 * instead of idling with liveness UP; readiness is DOWN meanwhile.
 */
@ApplicationScoped
public class TrainerLifecycle {
    private static final Logger LOG = Logger.getLogger(TrainerLifecycle.class);

    private final KafkaClientProperties kafka;
    private final TopicNames topics;
    private final TrainerConfig config;
    private final InstanceId instance;
    private final RunSupervisor supervisor;
    private volatile RunOwnership ownership;
    private volatile boolean stopping;
    private Thread thread;

    TrainerLifecycle(
            KafkaClientProperties kafka,
            TopicNames topics,
            TrainerConfig config,
            InstanceId instance,
            RunSupervisor supervisor) {
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.instance = instance;
        this.supervisor = supervisor;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        Engine engine = Engine.getInstance();
        LOG.infof(
                "trainer %s: DJL %s %s, GPUs visible: %d, checkpoints in %s, control topic %s (%d slots)",
                instance.value(),
                engine.getEngineName(),
                engine.getVersion(),
                engine.getGpuCount(),
                config.checkpointDir().toAbsolutePath(),
                topics.runs(),
                config.runSlots());
        TopicInitializer.ensureTopics(kafka, topics, config);
        ownership = new RunOwnership(kafka, topics, config, instance, supervisor);
        thread = new Thread(this::superviseOwnership, "run-ownership");
        thread.start();
    }

    private void superviseOwnership() {
        long backoff = 1_000;
        while (!stopping) {
            long started = System.nanoTime();
            try {
                ownership.run(); // returns when the consumer stopped, for shutdown or because it failed
            } catch (RuntimeException e) {
                LOG.error("run ownership loop failed", e);
            }
            if (stopping) {
                return;
            }
            if (System.nanoTime() - started > 60_000_000_000L) {
                backoff = 1_000; // it ran for a while: a fresh fault, not a crash loop
            }
            LOG.warnf("run ownership consumer stopped; rejoining the trainer group in %d ms", backoff);
            try {
                Thread.sleep(backoff);
                ownership = new RunOwnership(kafka, topics, config, instance, supervisor);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("cannot create the control consumer yet: %s", e.toString());
            }
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        if (ownership != null) {
            ownership.shutdown();
            thread.join(120_000);
        }
    }

    /** Slots (= runs) this instance currently owns; readiness reports it. */
    public RunOwnership ownership() {
        return ownership;
    }
}

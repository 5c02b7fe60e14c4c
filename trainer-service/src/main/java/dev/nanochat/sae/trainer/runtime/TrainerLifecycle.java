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

/** Startup: topics, then join the trainer group. Shutdown: leave it (runs are checkpointed and handed over). */
@ApplicationScoped
public class TrainerLifecycle {
    private static final Logger LOG = Logger.getLogger(TrainerLifecycle.class);

    private final KafkaClientProperties kafka;
    private final TopicNames topics;
    private final TrainerConfig config;
    private final InstanceId instance;
    private final RunSupervisor supervisor;
    private volatile RunOwnership ownership;
    private Thread thread;

    TrainerLifecycle(KafkaClientProperties kafka, TopicNames topics, TrainerConfig config, InstanceId instance, RunSupervisor supervisor) {
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.instance = instance;
        this.supervisor = supervisor;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        Engine engine = Engine.getInstance();
        LOG.infof("trainer %s: DJL %s %s, GPUs visible: %d, checkpoints in %s, control topic %s (%d slots)",
                instance.value(), engine.getEngineName(), engine.getVersion(), engine.getGpuCount(),
                config.checkpointDir().toAbsolutePath(), topics.runs(), config.runSlots());
        TopicInitializer.ensureTopics(kafka, topics, config);
        ownership = new RunOwnership(kafka, topics, config, instance, supervisor);
        thread = new Thread(ownership, "run-ownership");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
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

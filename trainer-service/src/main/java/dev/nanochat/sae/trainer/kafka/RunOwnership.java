package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.runtime.InstanceId;
import dev.nanochat.sae.trainer.runtime.RunSupervisor;
import dev.nanochat.sae.trainer.runtime.TrainerConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Run ownership by group membership: every instance reads the control topic in group
 * {@code sae-trainers}; the partitions (= run slots) it is assigned are the runs it trains.
 * Revoked slots are checkpointed and handed over; lost slots (we were presumed dead) are abandoned
 * without writing, their new owner resumes from the last checkpoint. Runs in owned slots are
 * reconciled on every notice and every few seconds.
 */
public final class RunOwnership implements Runnable, ConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(RunOwnership.class);
    private static final Duration RECONCILE_EVERY = Duration.ofSeconds(3);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final RunSupervisor supervisor;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    public RunOwnership(
            KafkaClientProperties kafka,
            TopicNames topics,
            TrainerConfig config,
            InstanceId instance,
            RunSupervisor supervisor) {
        Properties props = kafka.consumer(config.group(), "control-" + instance.value(), Map.of());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.sessionTimeoutMs());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, config.sessionTimeoutMs() / 5));
        // Cooperative: a joining instance takes some slots without stopping every run.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.topic = topics.runs();
        this.supervisor = supervisor;
    }

    public boolean isRunning() {
        return running;
    }

    public Set<Integer> ownedSlots() {
        return Set.copyOf(owned);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), this);
            long nextReconcile = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    reconcile(r.partition());
                }
                if (System.currentTimeMillis() >= nextReconcile) {
                    owned.forEach(this::reconcile);
                    nextReconcile = System.currentTimeMillis() + RECONCILE_EVERY.toMillis();
                }
            }
        } catch (WakeupException e) {
            // shutdown
        } catch (RuntimeException e) {
            LOG.error("control consumer failed; releasing owned runs", e);
        } finally {
            running = false;
            consumer.close(); // leaves the group: onPartitionsRevoked checkpoints and hands over
            supervisor.release(owned, false);
        }
    }

    public void shutdown() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> owned.add(p.partition()));
        LOG.infof("assigned run slots %s", slots(partitions));
        partitions.forEach(p -> reconcile(p.partition()));
    }

    /** One slot's trouble (database hiccup, bad run row) must not take down ownership of the others. */
    private void reconcile(int slot) {
        try {
            supervisor.reconcile(slot);
        } catch (RuntimeException e) {
            LOG.errorf(e, "reconciling run slot %d failed; retrying in %s", slot, RECONCILE_EVERY);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        LOG.infof("revoked run slots %s; checkpointing them for the next owner", slots(partitions));
        List<Integer> slots = slots(partitions);
        supervisor.release(slots, true);
        slots.forEach(owned::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        LOG.warnf("lost run slots %s; abandoning them without writing", slots(partitions));
        List<Integer> slots = slots(partitions);
        supervisor.release(slots, false);
        slots.forEach(owned::remove);
    }

    private static List<Integer> slots(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }
}

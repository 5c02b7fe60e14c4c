package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.runtime.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/** Creates the control, checkpoint, training-progress and dead-letter topics when missing (activation topics belong to the collector). */
public final class TopicInitializer {
    private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

    private TopicInitializer() {}

    public static void ensureTopics(KafkaClientProperties kafka, TopicNames topics, TrainerConfig config)
            throws Exception {
        try (Admin admin = Admin.create(kafka.admin("trainer-topics", Map.of()))) {
            short rf = config.replicationFactor();
            // Compacted: only the latest notice per run key matters; one partition per run slot.
            NewTopic control =
                    new NewTopic(topics.runs(), config.runSlots(), rf).configs(Map.of("cleanup.policy", "compact"));
            List<NewTopic> wanted = new ArrayList<>(List.of(
                    control,
                    new NewTopic(topics.checkpoints(), 1, rf),
                    new NewTopic(topics.trainingProgress(), 1, rf),
                    new NewTopic(topics.dlq(), 1, rf)));
            Set<String> existing = admin.listTopics().names().get();
            wanted.removeIf(t -> existing.contains(t.name()));
            for (NewTopic t : wanted) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                    LOG.infof("created topic %s (%d partitions)", t.name(), t.numPartitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            int partitions = controlPartitions(admin, topics.runs());
            if (partitions < config.runSlots()) {
                throw new IllegalStateException("control topic " + topics.runs() + " has " + partitions
                        + " partitions but sae.trainer.run-slots=" + config.runSlots());
            }
        }
    }

    /** A topic just created may not be in the broker's metadata yet: retry for a few seconds. */
    private static int controlPartitions(Admin admin, String topic) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt >= 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}

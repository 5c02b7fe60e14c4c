package dev.nanochat.sae.collector.collection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the activation topics through the Admin client and reports their partition counts.
 *
 * <p>New topics get the configured partitions, replication factor, {@code retention.ms} and a
 * {@code max.message.bytes} matching the record limit. Existing topics are used as they are (their
 * real partition count is returned, so records are spread over what exists). Any failure surfaces
 * as an exception; the runner decides to wait and retry.
 */
public final class TopicProvisioner {
    private final ActivationStreamSettings settings;

    public TopicProvisioner(ActivationStreamSettings settings) {
        this.settings = settings;
    }

    /** Ensures every topic exists; returns topic → partition count. */
    public Map<String, Integer> ensure(List<String> topics, String clientId) throws Exception {
        try (Admin admin = Admin.create(settings.adminProperties(clientId))) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String t : topics) {
                wanted.add(new NewTopic(t, settings.partitions(), settings.replicationFactor())
                        .configs(Map.of(
                                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retentionMs()),
                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxRecordBytes()))));
            }
            var created = admin.createTopics(wanted).values();
            for (var e : created.entrySet()) {
                try {
                    e.getValue().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw unwrap(ex);
                    }
                }
            }
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<String, Integer> partitions = new LinkedHashMap<>();
            for (String t : topics) {
                partitions.put(t, described.get(t).partitions().size());
            }
            return partitions;
        } catch (ExecutionException ex) {
            throw unwrap(ex);
        }
    }

    private static Exception unwrap(ExecutionException ex) {
        return ex.getCause() instanceof Exception c ? c : ex;
    }
}

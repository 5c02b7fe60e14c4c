package dev.nanochat.sae.trainer.scaling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Lag of consumer groups on topics, read with the Admin client the way KEDA's Kafka scaler reads it:
 * per partition, end offset minus the group's committed offset, or minus the log start offset where the
 * group has committed nothing (our consumers start at the earliest record). A topic that does not exist
 * yet (a run created before its collection) has lag 0. Three Admin round trips for any number of groups:
 * describe the topics, list the groups' offsets, list earliest and latest offsets.
 */
public final class GroupLag {
    /** One consumer group reading one topic. */
    public record Subscription(String group, String topic) {}

    private final Admin admin;
    private final long timeoutMs;

    public GroupLag(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** Lag of each subscription (records not yet committed by its group). */
    public Map<Subscription, Long> lags(List<Subscription> subs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<Subscription, Long> out = new HashMap<>();
        if (subs.isEmpty()) return out;
        Set<String> topics = new HashSet<>();
        subs.forEach(s -> topics.add(s.topic()));
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> e :
                admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                List<TopicPartition> tps = new ArrayList<>();
                e.getValue()
                        .get(timeoutMs, TimeUnit.MILLISECONDS)
                        .partitions()
                        .forEach(p -> tps.add(new TopicPartition(e.getKey(), p.partition())));
                partitions.put(e.getKey(), tps);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) throw ex;
            }
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions
                .values()
                .forEach(tps -> tps.forEach(tp -> {
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                }));
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                latest.isEmpty() ? Map.of() : admin.listOffsets(latest).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty()
                ? Map.of()
                : admin.listOffsets(earliest).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (Subscription s : subs) {
            if (partitions.containsKey(s.topic())) {
                specs.put(s.group(), new ListConsumerGroupOffsetsSpec().topicPartitions(partitions.get(s.topic())));
            }
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = specs.isEmpty()
                ? Map.of()
                : admin.listConsumerGroupOffsets(specs).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        for (Subscription s : subs) {
            long lag = 0;
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(s.group(), Map.of());
            for (TopicPartition tp : partitions.getOrDefault(s.topic(), List.of())) {
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = offsets.get(tp);
                long from = c != null ? c.offset() : starts.get(tp).offset();
                lag += Math.max(0, end - from);
            }
            out.put(s, lag);
        }
        return out;
    }
}

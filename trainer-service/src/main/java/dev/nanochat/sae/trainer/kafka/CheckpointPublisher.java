package dev.nanochat.sae.trainer.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.persistence.CheckpointEntity;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.runtime.InstanceId;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes the CloudEvent of a durable checkpoint (key: run id); final ones announce completion. */
@ApplicationScoped
public class CheckpointPublisher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SharedProducer producer;
    private final String topic;
    private final String instance;

    CheckpointPublisher(SharedProducer producer, TopicNames topics, InstanceId instance) {
        this.producer = producer;
        this.topic = topics.checkpoints();
        this.instance = instance.value();
    }

    /** Blocks until the broker has the event, so a logged checkpoint is an announced one. */
    public void publish(RunEntity run, CheckpointEntity c) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(run.saeConfig);
        Map<String, Double> metrics = new LinkedHashMap<>();
        JSON.readTree(c.metrics)
                .fields()
                .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        metrics.put("dlq_records", (double) c.dlqRecords);
        metrics.put("duplicates_skipped", (double) c.duplicatesSkipped);
        RunLabels labels = RunLabels.of(run);
        CheckpointEvent event = new CheckpointEvent(
                run.id,
                c.step,
                c.tokens,
                c.path,
                c.sha256,
                c.isFinal,
                metrics,
                config,
                labels.modelId(),
                labels.hook(),
                instance,
                c.createdAt);
        producer.send(new ProducerRecord<>(topic, run.id, CheckpointEvents.toCloudEventBytes(event)))
                .get(30, TimeUnit.SECONDS);
    }
}

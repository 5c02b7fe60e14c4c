package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.support.kafka.TopicNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes to the compacted control topic: key = run id, partition = the run's slot, value = the
 * desired state. The database holds the truth; a notice only wakes the slot's owner to reconcile.
 * A finished run's key is tombstoned so compaction forgets it.
 */
@ApplicationScoped
public class ControlNotices {
    private final SharedProducer producer;
    private final String topic;

    ControlNotices(SharedProducer producer, TopicNames topics) {
        this.producer = producer;
        this.topic = topics.runs();
    }

    public void notify(String runId, int slot, String desiredState) throws Exception {
        byte[] value =
                ("{\"runId\":\"" + runId + "\",\"desired\":\"" + desiredState + "\"}").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, slot, runId, value)).get(30, TimeUnit.SECONDS);
    }

    public void tombstone(String runId, int slot) {
        producer.send(new ProducerRecord<>(topic, slot, runId, null));
    }
}

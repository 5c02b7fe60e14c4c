package dev.nanochat.sae.trainer.kafka;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.train.RecordSource;
import dev.nanochat.sae.core.train.Rows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Adapts one run's activation topic into a {@link RecordSource}. Manual assignment of every
 * partition (the run is trained by exactly one instance); the consumer group {@code sae-run-<id>} is
 * used only to publish committed offsets (lag tooling). The authoritative position is the one stored
 * in the checkpoint: on start we seek to it, else to the beginning.
 * Eval-split records are skipped; undecodable or mismatched records go to the dead-letter topic.
 * Train records carrying a {@code sae-sequence} header (collector records) pass the {@link ReplayFilter},
 * so a collector replay is skipped, not trained twice; records without it are trained as they come.
 * Position keys are {@code "<topic>:<partition>"} → next offset to read, plus the replay filter's
 * high-water marks.
 */
public final class KafkaRecordSource implements RecordSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaRecordSource.class);
    private static final Duration METADATA_RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final int dIn;
    private final DeadLetterSink deadLetters;
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final Map<String, String> startPosition;
    private final ReplayFilter replays;
    private Iterator<ConsumerRecord<String, byte[]>> pending =
            List.<ConsumerRecord<String, byte[]>>of().iterator();
    private long lastAssignAttempt;
    private long deadLettered;
    private long evalSkipped;
    private long duplicatesSkipped;

    public KafkaRecordSource(
            KafkaConsumer<String, byte[]> consumer,
            String topic,
            int dIn,
            Map<String, String> startPosition,
            long deadLetteredBefore,
            long duplicatesSkippedBefore,
            DeadLetterSink deadLetters) {
        this.consumer = consumer;
        this.topic = topic;
        this.dIn = dIn;
        this.startPosition = startPosition;
        this.replays = new ReplayFilter(topic, startPosition);
        this.duplicatesSkipped = duplicatesSkippedBefore;
        this.deadLettered = deadLetteredBefore;
        this.deadLetters = deadLetters;
    }

    @Override
    public Rows poll(Duration timeout) {
        if (consumer.assignment().isEmpty() && !assign()) {
            sleep(Math.min(timeout.toMillis(), 200));
            return null;
        }
        if (!pending.hasNext()) {
            pending = consumer.poll(timeout).iterator();
        }
        while (pending.hasNext()) {
            ConsumerRecord<String, byte[]> record = pending.next();
            nextOffsets.put(record.partition(), record.offset() + 1);
            Rows rows = decode(record);
            if (rows != null) {
                return rows;
            }
        }
        return null;
    }

    private Rows decode(ConsumerRecord<String, byte[]> record) {
        ActivationBatch batch;
        Long sequence;
        try {
            batch = ActivationBatchCodec.decode(record.value(), dIn);
            sequence = headerSequence(record, batch);
        } catch (InvalidRecordException e) {
            deadLettered++;
            deadLetters.publish(record, e);
            return null;
        }
        if (batch.split() != Split.TRAIN) {
            evalSkipped++;
            return null;
        }
        if (sequence != null && !replays.admit(record.partition(), batch.collectionId(), sequence)) {
            duplicatesSkipped++;
            LOG.debugf(
                    "skipped collector replay %s:%d@%d (collection %s, sequence %d)",
                    topic, record.partition(), record.offset(), batch.collectionId(), sequence);
            return null;
        }
        return new Rows(batch.activations(), batch.rows());
    }

    /**
     * The collector's {@code sae-sequence} header, or null for records of other producers (no header).
     * It must agree with the sequence in the safetensors metadata: de-duplicating on a wrong number
     * would silently drop a record.
     */
    private static Long headerSequence(ConsumerRecord<String, byte[]> record, ActivationBatch batch) {
        Header header = record.headers().lastHeader(ActivationBatchCodec.HEADER_SEQUENCE);
        if (header == null) {
            return null;
        }
        String text = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
        long sequence;
        try {
            sequence = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(
                    InvalidRecordException.Reason.MALFORMED,
                    "header " + ActivationBatchCodec.HEADER_SEQUENCE + " is not a number: '" + text + "'");
        }
        if (sequence != batch.sequence()) {
            throw new InvalidRecordException(
                    InvalidRecordException.Reason.MALFORMED,
                    "header " + ActivationBatchCodec.HEADER_SEQUENCE + " " + sequence
                            + " disagrees with metadata sequence " + batch.sequence());
        }
        return sequence;
    }

    /** Assigns all partitions once the topic exists; seeks each to the checkpointed offset or the start. */
    private boolean assign() {
        long now = System.currentTimeMillis();
        if (now - lastAssignAttempt < METADATA_RETRY.toMillis()) {
            return false;
        }
        lastAssignAttempt = now;
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, METADATA_RETRY);
        } catch (TimeoutException e) {
            return false;
        }
        if (infos == null || infos.isEmpty()) {
            return false; // the collector has not created the topic yet
        }
        List<TopicPartition> parts = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        for (TopicPartition tp : parts) {
            String saved = startPosition.get(key(tp.partition()));
            if (saved != null) {
                consumer.seek(tp, Long.parseLong(saved));
                nextOffsets.put(tp.partition(), Long.parseLong(saved));
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        return true;
    }

    @Override
    public Map<String, String> position() {
        Map<String, String> p = new HashMap<>(startPosition);
        nextOffsets.forEach((partition, offset) -> p.put(key(partition), Long.toString(offset)));
        replays.writeTo(p);
        return p;
    }

    /** Commits a checkpointed position to the run's consumer group (after the checkpoint is durable). */
    public void commit(Map<String, String> position) {
        Map<TopicPartition, OffsetAndMetadata> offsets = position.entrySet().stream()
                .filter(e -> e.getKey().startsWith(topic + ":"))
                .collect(Collectors.toMap(
                        e -> new TopicPartition(
                                topic, Integer.parseInt(e.getKey().substring(topic.length() + 1))),
                        e -> new OffsetAndMetadata(Long.parseLong(e.getValue()))));
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /** Records in the topic not yet read by this run, or null before the first fetch. */
    public Long lag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return null;
            }
            sum += lag.getAsLong();
        }
        return consumer.assignment().isEmpty() ? null : sum;
    }

    public long deadLettered() {
        return deadLettered;
    }

    /** Collector replays skipped by this run (including those before the checkpoint it resumed from). */
    public long duplicatesSkipped() {
        return duplicatesSkipped;
    }

    public long evalSkipped() {
        return evalSkipped;
    }

    private String key(int partition) {
        return topic + ":" + partition;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}

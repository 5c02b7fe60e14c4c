package dev.nanochat.sae.trainer.support;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Split;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test producer of activation records on the real broker (unique topic per test). */
public final class ActivationTopics implements AutoCloseable {
    public static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092");

    private final KafkaProducer<String, byte[]> producer;
    private long sequence;

    public ActivationTopics() {
        this(BOOTSTRAP);
    }

    /** A producer on another broker than the shared test one (a test that owns its broker). */
    public ActivationTopics(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", 5);
        // One request in flight per connection: with several, a new partition's first request can fail
        // NOT_LEADER_OR_FOLLOWER while the next one is appended, and the first then retries
        // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (KAFKA-15591; seen in CI even after
        // awaitLeaders, since the broker's metadata names a leader before its log exists).
        p.put("max.in.flight.requests.per.connection", 1);
        p.put("key.serializer", StringSerializer.class);
        p.put("value.serializer", ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
    }

    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static void create(String topic, int partitions) throws Exception {
        create(BOOTSTRAP, topic, partitions);
    }

    public static void create(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
            awaitLeaders(admin, topic, partitions);
        }
    }

    /**
     * Waits until every partition of a new topic has a leader, so a test's first records do not spend
     * their retries on metadata. Not sufficient against KAFKA-15591 (see the producer's in-flight limit).
     */
    private static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            if (d != null
                    && d.partitions().size() == partitions
                    && d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.isr().isEmpty())) return;
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("topic " + topic + " has partitions without a leader after 30 s: " + d);
            Thread.sleep(50);
        }
    }

    /** A valid encoded record of {@code rows} rows. */
    public byte[] record(float[] activations, int rows, int dIn, Split split) {
        int[] tokens = new int[rows];
        long[] docs = new long[rows];
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            tokens[i] = i % 65;
            docs[i] = sequence;
            positions[i] = i;
        }
        return ActivationBatchCodec.encode(new ActivationBatch(
                "test-collection",
                "synthetic",
                "blocks.0.hook_resid_post",
                dIn,
                DType.F32,
                sequence++,
                split,
                ActivationBatchCodec.SCHEMA_VERSION,
                activations,
                tokens,
                docs,
                positions));
    }

    /** Record {@code sequence} of a collection as the collector encodes it (the helper's own counter is untouched). */
    public static ActivationBatch collectorBatch(
            String collection, long sequence, float[] activations, int rows, int dIn) {
        int[] tokens = new int[rows];
        long[] docs = new long[rows];
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            tokens[i] = (int) ((sequence + i) % 65);
            docs[i] = sequence;
            positions[i] = i;
        }
        return new ActivationBatch(
                collection,
                "synthetic",
                "blocks.0.hook_resid_post",
                dIn,
                DType.F32,
                sequence,
                Split.TRAIN,
                ActivationBatchCodec.SCHEMA_VERSION,
                activations,
                tokens,
                docs,
                positions);
    }

    /**
     * Sends {@code batch} the way the collector does: key {@code <collection>:<sequence>}, partition =
     * sequence mod partitions, the {@code sae-*} headers. Sending the same batch again is a collector replay.
     */
    public void sendAsCollector(String topic, int partitions, ActivationBatch batch) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                topic,
                (int) (batch.sequence() % partitions),
                batch.collectionId() + ":" + batch.sequence(),
                ActivationBatchCodec.encode(batch));
        ActivationBatchCodec.headers(batch)
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get();
    }

    public void send(String topic, int partition, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, "k", value)).get();
    }

    /** Produces {@code records} train records of {@code rowsPerRecord} rows round-robin over partitions. */
    public long produceTrain(String topic, int partitions, SyntheticActivations data, int records, int rowsPerRecord)
            throws Exception {
        // Every send is confirmed: a record lost here would leave a run waiting for tokens that never come.
        List<Future<RecordMetadata>> sent = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            byte[] value = record(data.sample(rowsPerRecord), rowsPerRecord, data.dIn(), Split.TRAIN);
            sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, value)));
        }
        for (Future<RecordMetadata> f : sent) f.get();
        return (long) records * rowsPerRecord;
    }

    public static byte[] garbage() {
        return "this is not a safetensors blob".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.InvalidRecordException;
import dev.nanochat.sae.core.records.Split;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka side of {@code ./sae chaos} (deploy/local/chaos.sh), run by the java source launcher with
 * the broker's kafka-clients and the CLI's sae-core on the class path. It reads topics as they are on
 * the broker, so the suite's invariants are checked against the log, not against what a service says:
 *
 * <pre>
 *   inject BOOTSTRAP TOPIC PREFIX N   N undecodable records "PREFIX-1".."PREFIX-N" (acks=all)
 *   audit BOOTSTRAP TOPIC             records, replays (train/eval), distinct train/eval records and rows, undecodable
 *   dlq BOOTSTRAP DLQ SOURCE PREFIX   dead letters from SOURCE; how many and how many distinct carry PREFIX
 * </pre>
 *
 * Output: one {@code key=value} line per figure.
 */
public final class ChaosKafka {
    private ChaosKafka() {}

    public static void main(String[] args) {
        // The clients log every connection attempt at INFO; only trouble is worth reading here.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 3) {
            usage();
        }
        switch (args[0]) {
            case "inject" -> {
                if (args.length != 5) usage();
                inject(args[1], args[2], args[3], Integer.parseInt(args[4]));
            }
            case "audit" -> audit(args[1], args[2]);
            case "dlq" -> {
                if (args.length != 5) usage();
                dlq(args[1], args[2], args[3], args[4]);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ChaosKafka inject BOOTSTRAP TOPIC PREFIX N | audit BOOTSTRAP TOPIC"
                + " | dlq BOOTSTRAP DLQ_TOPIC SOURCE_TOPIC PREFIX");
        System.exit(2);
    }

    private static void inject(String bootstrap, String topic, String prefix, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= n; i++) {
                byte[] value = (prefix + "-" + i).getBytes(StandardCharsets.UTF_8);
                var meta = producer.send(new ProducerRecord<>(topic, value)).get();
                System.out.println("injected=" + meta.partition() + "@" + meta.offset());
            }
        }
    }

    /**
     * A replay is a record whose (partition, collection, sequence) was already seen: the collector's
     * at-least-once re-send after a crash. Distinct rows are what a run must train exactly once.
     */
    private static void audit(String bootstrap, String topic) {
        // records, train replays, eval replays, undecodable, train records, train rows, eval records, eval rows
        long[] n = new long[8];
        Set<String> seen = new HashSet<>();
        readAll(bootstrap, topic, r -> {
            n[0]++;
            ActivationBatch b;
            try {
                b = ActivationBatchCodec.decode(r.value());
            } catch (InvalidRecordException e) {
                n[3]++;
                return;
            }
            boolean train = b.split() == Split.TRAIN;
            if (!seen.add(r.partition() + "|" + b.collectionId() + "|" + b.sequence())) {
                n[train ? 1 : 2]++;
            } else if (train) {
                n[4]++;
                n[5] += b.rows();
            } else {
                n[6]++;
                n[7] += b.rows();
            }
        });
        String[] names = {
            "records", "train_replays", "eval_replays", "undecodable", "train_records", "train_rows", "eval_records",
            "eval_rows"
        };
        for (int i = 0; i < names.length; i++) {
            System.out.println(names[i] + "=" + n[i]);
        }
    }

    private static void dlq(String bootstrap, String dlqTopic, String source, String prefix) {
        long[] n = new long[2]; // letters from source, of them garbage
        Set<String> distinct = new TreeSet<>();
        readAll(bootstrap, dlqTopic, r -> {
            if (!source.equals(header(r, DeadLetters.HEADER_TOPIC))) {
                return;
            }
            n[0]++;
            String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            if (value.startsWith(prefix + "-")) {
                n[1]++;
                distinct.add(value);
            }
        });
        System.out.println("letters=" + n[0]);
        System.out.println("garbage_letters=" + n[1]);
        System.out.println("garbage_distinct=" + distinct.size());
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Hands every record of {@code topic} up to the end offsets read at the start to {@code each} (no group). */
    private static void readAll(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return;
            }
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(topic, r.partition()))) {
                        each.accept(r);
                    }
                }
            }
        }
    }
}

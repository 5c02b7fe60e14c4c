package dev.nanochat.sae.support.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

/**
 * Properties for the plain Kafka clients a service owns, built from the same {@code kafka.*}
 * configuration Quarkus's Kafka extensions read ({@code kafka.bootstrap.servers}, or the environment
 * variable {@code KAFKA_BOOTSTRAP_SERVERS}; security settings likewise), then this client's defaults,
 * then the caller's overrides — later wins. Keys: strings, values: bytes, unless overridden.
 */
@ApplicationScoped
public class KafkaClientProperties {
    private static final String PREFIX = "kafka.";
    private static final String ENV_PREFIX = "KAFKA_";

    private final Map<String, String> shared;

    @Inject
    KafkaClientProperties(Config config) {
        this(fromConfig(config));
    }

    /** For tests and tools without CDI: {@code shared} are client keys without the {@code kafka.} prefix. */
    public KafkaClientProperties(Map<String, String> shared) {
        this.shared = Map.copyOf(shared);
        if (!this.shared.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException(
                    "kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS) is not configured");
        }
    }

    public String bootstrapServers() {
        return shared.get("bootstrap.servers");
    }

    /**
     * Idempotent, acks=all: a send that is acknowledged is durable and never duplicated by retries.
     * One request in flight per connection: with more, a just-created partition's first request can fail
     * NOT_LEADER_OR_FOLLOWER while the next is appended, and the first then retries
     * OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout (KAFKA-15591, fixed only in brokers from
     * 2026-08). Our services write to topics they create at start; a caller that can rewind on a failed
     * delivery (the collector) may override this for throughput.
     */
    public Properties producer(String clientId, Map<String, ?> overrides) {
        Properties p = base(clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(overrides);
        return p;
    }

    /** Offsets are committed by the caller (after its work is durable); a new group starts at the beginning. */
    public Properties consumer(String groupId, String clientId, Map<String, ?> overrides) {
        Properties p = base(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(overrides);
        return p;
    }

    public Properties admin(String clientId, Map<String, ?> overrides) {
        Properties p = base(clientId);
        p.putAll(overrides);
        return p;
    }

    private Properties base(String clientId) {
        Properties p = new Properties();
        p.putAll(shared);
        p.put("client.id", clientId);
        return p;
    }

    /** {@code kafka.x.y} and {@code KAFKA_X_Y} become {@code x.y}; dotted names win over environment names. */
    static Map<String, String> fromConfig(Config config) {
        Map<String, String> env = new TreeMap<>();
        Map<String, String> dotted = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(v -> dotted.put(name.substring(PREFIX.length()), v));
            } else if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                config.getOptionalValue(name, String.class).ifPresent(v -> env.put(key, v));
            }
        }
        env.putAll(dotted);
        return env;
    }
}

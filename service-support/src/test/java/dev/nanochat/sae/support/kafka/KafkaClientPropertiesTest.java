package dev.nanochat.sae.support.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {
    private final KafkaClientProperties kafka = new KafkaClientProperties(
            Map.of("bootstrap.servers", "broker:9092", "security.protocol", "SASL_SSL", "acks", "1"));

    @Test
    void shared_settings_then_client_defaults_then_overrides() {
        Properties p = kafka.producer("collector-1", Map.of("compression.type", "zstd"));
        assertEquals("broker:9092", p.get("bootstrap.servers"));
        assertEquals("SASL_SSL", p.get("security.protocol"), "security settings reach every client");
        assertEquals("all", p.get("acks"), "the producer's durability default beats a shared acks");
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("1", p.get("max.in.flight.requests.per.connection"), "KAFKA-15591");
        assertEquals("zstd", p.get("compression.type"));
        assertEquals("collector-1", p.get("client.id"));
        assertEquals("1", kafka.producer("c", Map.of("acks", "1")).get("acks"), "an explicit override wins");
    }

    @Test
    void consumers_commit_by_hand_and_start_at_the_beginning() {
        Properties c = kafka.consumer("trainer-run-1", "trainer-a", Map.of("max.poll.records", 10));
        assertEquals("trainer-run-1", c.get("group.id"));
        assertEquals("false", c.get("enable.auto.commit"));
        assertEquals("earliest", c.get("auto.offset.reset"));
        assertEquals(10, c.get("max.poll.records"));
        assertEquals("org.apache.kafka.common.serialization.ByteArrayDeserializer", c.get("value.deserializer"));
        Properties a = kafka.admin("admin-1", Map.of());
        assertEquals("broker:9092", a.get("bootstrap.servers"));
        assertEquals(null, a.get("group.id"));
    }

    @Test
    void missing_bootstrap_servers_is_named() {
        var e = assertThrows(IllegalArgumentException.class, () -> new KafkaClientProperties(Map.of("acks", "all")));
        assertEquals("kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS) is not configured", e.getMessage());
    }
}

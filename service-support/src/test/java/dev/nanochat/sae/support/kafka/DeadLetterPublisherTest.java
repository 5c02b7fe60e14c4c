package dev.nanochat.sae.support.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.DeadLetter;
import dev.nanochat.sae.core.records.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Against the real broker of {@code ./sae kafka start} (KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:19092). */
class DeadLetterPublisherTest {
    static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");

    @Test
    void send_returns_after_the_broker_acknowledged_and_the_letter_is_readable() {
        String suffix = ".test-" + UUID.randomUUID();
        var meters = new SimpleMeterRegistry();
        var publisher = new DeadLetterPublisher(
                new KafkaClientProperties(Map.of("bootstrap.servers", BOOTSTRAP)),
                new TopicNames(suffix),
                meters,
                "support-test",
                Duration.ofSeconds(20));
        byte[] value = "not an activation batch".getBytes(StandardCharsets.UTF_8);
        try {
            RecordMetadata acked =
                    publisher.send(new DeadLetter("sae.activations.m.h", 2, 41L, "malformed: short", value), "k1");
            assertEquals("sae.dlq" + suffix, acked.topic());
            assertTrue(acked.offset() >= 0, "an acknowledged send has an offset");
            assertEquals(
                    1.0,
                    meters.counter("sae.dead.letters", "source", "activations").count());

            ConsumerRecord<String, byte[]> read = readOne(acked);
            assertEquals("k1", read.key());
            assertArrayEquals(value, read.value(), "the original bytes, unchanged");
            assertEquals(
                    Map.of(
                            DeadLetters.HEADER_REASON,
                            "malformed: short",
                            DeadLetters.HEADER_TOPIC,
                            "sae.activations.m.h",
                            DeadLetters.HEADER_PARTITION,
                            "2",
                            DeadLetters.HEADER_OFFSET,
                            "41"),
                    headers(read));
        } finally {
            publisher.close();
        }
    }

    @Test
    void send_throws_when_no_broker_acknowledges_and_counts_nothing() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        var meters = new SimpleMeterRegistry();
        var publisher = new DeadLetterPublisher(
                new KafkaClientProperties(Map.of("bootstrap.servers", "127.0.0.1:" + freePort)),
                new TopicNames(""),
                meters,
                "support-test",
                Duration.ofSeconds(2));
        long start = System.nanoTime();
        try {
            var e = assertThrows(
                    DeadLetterException.class,
                    () -> publisher.send(new DeadLetter("sae.checkpoints", 0, 7L, "bad event", new byte[] {1}), null));
            assertTrue(
                    e.getMessage().startsWith("dead letter for sae.checkpoints-0@7 not acknowledged within PT2S"),
                    e.getMessage());
            assertTrue(
                    System.nanoTime() - start < Duration.ofSeconds(15).toNanos(),
                    "fails within the ack timeout, not forever");
            assertEquals(
                    0.0,
                    meters.counter("sae.dead.letters", "source", "sae.checkpoints")
                            .count());
        } finally {
            publisher.close();
        }
    }

    private static ConsumerRecord<String, byte[]> readOne(RecordMetadata at) {
        var kafka = new KafkaClientProperties(Map.of("bootstrap.servers", BOOTSTRAP));
        try (var consumer =
                new KafkaConsumer<String, byte[]>(kafka.consumer("unused", "support-test-reader", Map.of()))) {
            TopicPartition tp = new TopicPartition(at.topic(), at.partition());
            consumer.assign(List.of(tp));
            consumer.seek(tp, at.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    return r;
                }
            }
        }
        throw new AssertionError("acknowledged dead letter not readable at " + at);
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> r) {
        Map<String, String> h = new HashMap<>();
        for (Header header : r.headers()) {
            h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return h;
    }
}

package dev.nanochat.sae.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TopicReader;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Malformed, wrong-d_in, NaN and empty records go to the DLQ with reasons; eval rows are skipped; training goes on. */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class DeadLetterTest {
    @Inject
    TopicNames topics;

    @Test
    void bad_records_are_dead_lettered_and_the_run_completes_on_the_good_ones() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.bad");
        ActivationTopics.create(topic, 1);
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 5);
        int rows = 128;
        Map<Long, String> expectedReasons = new TreeMap<>();
        try (ActivationTopics p = new ActivationTopics()) {
            long offset = 0;
            for (int i = 0; i < 10; i++) {
                p.send(topic, 0, p.record(data.sample(rows), rows, Runs.D_IN, Split.TRAIN));
                offset++;
                switch (i) {
                    case 2 -> p.send(topic, 0, ActivationTopics.garbage());
                    case 4 -> p.send(topic, 0, p.record(new float[rows * 16], rows, 16, Split.TRAIN));
                    case 6 -> p.send(topic, 0, withNaN(p.record(sentinelRows(rows), rows, Runs.D_IN, Split.TRAIN)));
                    case 8 -> p.send(topic, 0, null);
                    default -> p.send(topic, 0, p.record(data.sample(rows), rows, Runs.D_IN, Split.EVAL));
                }
                expectedReasons.put(
                        offset,
                        switch (i) {
                            case 2, 8 -> "malformed";
                            case 4 -> "wrong_d_in";
                            case 6 -> "non_finite";
                            default -> "eval";
                        });
                offset++;
            }
        }
        expectedReasons.values().removeIf("eval"::equals);
        long goodTokens = 10L * rows;
        String id = Runs.create(Runs.request(topic, goodTokens, 512));
        JsonPath run = Runs.awaitStatus(id, "COMPLETED", Duration.ofSeconds(90));
        assertEquals(goodTokens, run.getLong("tokensCheckpointed"), "only the 10 good train records are trained");
        assertEquals(4, run.getLong("dlqRecords"));

        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readAll(topics.dlq()).stream()
                .filter(r -> topic.equals(TopicReader.header(r, DeadLetters.HEADER_TOPIC)))
                .toList();
        Map<Long, String> reasons = letters.stream()
                .collect(Collectors.toMap(
                        r -> Long.parseLong(TopicReader.header(r, DeadLetters.HEADER_OFFSET)),
                        r -> TopicReader.header(r, DeadLetters.HEADER_REASON),
                        (a, b) -> a,
                        TreeMap::new));
        assertEquals(expectedReasons.keySet(), reasons.keySet(), "exactly the bad offsets are dead-lettered");
        expectedReasons.forEach((offset, code) -> assertTrue(
                reasons.get(offset).startsWith(code), "offset " + offset + " reason: " + reasons.get(offset)));
        assertTrue(reasons.values().stream().anyMatch(r -> r.contains("16")), "wrong d_in names the value: " + reasons);
    }

    private static final float SENTINEL = 1234.5f;

    private static float[] sentinelRows(int rows) {
        float[] x = new float[rows * Runs.D_IN];
        x[7] = SENTINEL;
        return x;
    }

    /** Replaces the sentinel float in an encoded record by NaN (the codec refuses to encode NaN). */
    private static byte[] withNaN(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= value.length; i++) {
            if (b.getFloat(i) == SENTINEL) {
                b.putFloat(i, Float.NaN);
                return value;
            }
        }
        throw new AssertionError("sentinel not found");
    }
}

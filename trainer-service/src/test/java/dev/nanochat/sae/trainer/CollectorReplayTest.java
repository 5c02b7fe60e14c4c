package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Collector replays (same collection + sequence, same content, new Kafka records) are skipped, both
 * within one owner's session and after a pause/resume, where the high-water marks come back from the
 * checkpoint. A record without the collector's sequence header is trained even if its content repeats.
 */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class CollectorReplayTest {
    private static final int PARTITIONS = 3;
    private static final int ROWS = 64;
    private static final String COLLECTION = "replay-collection";

    @Test
    void replayed_sequences_are_trained_once_across_a_resume() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.replay");
        ActivationTopics.create(topic, PARTITIONS);
        try (ActivationTopics p = new ActivationTopics()) {
            // Phase 1: sequences 0..23, then a collector crash replays 16..23.
            sendRange(p, topic, 0, 24);
            sendRange(p, topic, 16, 24);
            String id = Runs.create(Runs.request(topic, null, 512));
            long firstDistinct = 24L * ROWS;
            await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(Runs.get(id), firstDistinct));
            assertEquals(firstDistinct, Runs.get(id).getLong("tokensTrained"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Runs.get(id).getLong("duplicatesSkipped") == 8);
            given().post("/api/runs/" + id + "/pause").then().statusCode(200);
            // The durable count may be < 8: a checkpoint is only written when tokens were trained since
            // the last one, so replays read after it are re-read (and counted again) after the resume.
            JsonPath paused = Runs.awaitStatus(id, "PAUSED", Duration.ofSeconds(30));
            assertEquals(firstDistinct, paused.getLong("tokensCheckpointed"));

            // Phase 2, read by a new session restored from the pause checkpoint: a replay of 8..23
            // (all trained before the checkpoint), new sequences 24..35, and a header-less copy of
            // sequence 5 (another producer's record: no de-duplication, trained).
            sendRange(p, topic, 8, 24);
            sendRange(p, topic, 24, 36);
            ActivationBatch five = batch(5);
            p.send(topic, 0, ActivationBatchCodec.encode(five));
            long distinct = 36L * ROWS + ROWS;
            given().post("/api/runs/" + id + "/resume").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(Runs.get(id), distinct));

            given().post("/api/runs/" + id + "/stop").then().statusCode(200);
            JsonPath stopped = Runs.awaitStatus(id, "STOPPED", Duration.ofSeconds(30));
            assertEquals(
                    distinct,
                    stopped.getLong("tokensCheckpointed"),
                    "tokens trained = distinct collector records + the header-less record");
            assertEquals(8 + 16, stopped.getLong("duplicatesSkipped"), "every replayed record skipped once");
            assertEquals(0, stopped.getLong("dlqRecords"), "replays are not dead letters");
        }
    }

    /** Everything in the topic is read (lag 0 in the same live snapshot) and the expected tokens trained. */
    private static boolean caughtUp(JsonPath run, long tokens) {
        Object lag = run.get("consumerLag");
        return run.getLong("tokensTrained") >= tokens && lag != null && ((Number) lag).longValue() == 0;
    }

    private static void sendRange(ActivationTopics p, String topic, long from, long to) throws Exception {
        for (long s = from; s < to; s++) {
            p.sendAsCollector(topic, PARTITIONS, batch(s));
        }
    }

    /** Sequence {@code s} always has the same content, as a collector replay does. */
    private static ActivationBatch batch(long s) {
        float[] x = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 1000 + s).sample(ROWS);
        return ActivationTopics.collectorBatch(COLLECTION, s, x, ROWS, Runs.D_IN);
    }
}

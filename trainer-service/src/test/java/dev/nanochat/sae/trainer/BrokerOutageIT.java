package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.OwnBroker;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TopicReader;
import dev.nanochat.sae.trainer.support.TrainerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The headline failure: the broker goes away for longer than the consumer's 60 s API timeout
 * while a run has buffered records to train, so a checkpoint's offset commit / event publish times
 * out. The run must not end FAILED: it retries from its last checkpoint (retries and lastError in its
 * status), carries on when the broker is back, and trains every distinct record exactly once
 * ({@code stopAfterTokens} is twice what the topic holds, so the limit cannot hide a duplicate).
 * The test owns its broker (a second local broker in a temporary directory) so it can stop it.
 */
class BrokerOutageIT {
    static final int RECORDS = 300;
    static final int ROWS = 256;
    static final Duration OUTAGE = Duration.ofSeconds(65);

    @Test
    void a_broker_outage_mid_run_is_survived_and_every_record_trained_once() throws Exception {
        String id8 = UUID.randomUUID().toString().substring(0, 8);
        try (OwnBroker broker = new OwnBroker()) {
            broker.start();
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap());
            env.put("SAE_TOPICS_SUFFIX", ".outage-" + id8);
            env.put("SAE_TRAINER_GROUP", "sae-trainers-outage-" + id8);
            env.put("SAE_SESSION_TIMEOUT_MS", "6000");
            env.put(
                    "SAE_CHECKPOINT_DIR",
                    Files.createTempDirectory("trainer-outage-").toString());
            String topic = ActivationTopics.uniqueTopic("sae.activations.outage");
            ActivationTopics.create(broker.bootstrap(), topic, 2);
            try (ActivationTopics producer = new ActivationTopics(broker.bootstrap())) {
                SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 17);
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(topic, i % 2, producer.record(data.sample(ROWS), ROWS, Runs.D_IN, Split.TRAIN));
                }
            }
            long distinct = distinctTrainRows(broker.bootstrap(), topic);
            assertEquals((long) RECORDS * ROWS, distinct);

            try (TrainerProcess trainer =
                    TrainerProcess.start("trainer-outage", 18291, env, Path.of("target", "it-logs", "outage-" + id8))) {
                trainer.awaitReady(Duration.ofSeconds(120));
                Map<String, Object> body = Runs.request(topic, 2 * distinct, 8L * ROWS);
                body.put("sae", Runs.sae("topk"));
                ((Map<String, Object>) body.get("sae")).put("d_sae", 512); // slower steps: the outage lands mid-backlog
                String id = given().baseUri(trainer.baseUrl())
                        .contentType(ContentType.JSON)
                        .body(body)
                        .post("/api/runs")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> get(trainer, id).getLong("tokensCheckpointed") > 0);
                broker.stop();
                long atStop = get(trainer, id).getLong("tokensCheckpointed");
                assertTrue(atStop < distinct, "the broker stopped mid-run, at " + atStop);
                long end = System.currentTimeMillis() + OUTAGE.toMillis();
                while (System.currentTimeMillis() < end) {
                    assertNotEquals("FAILED", get(trainer, id).getString("status"), "failed during the outage");
                    Thread.sleep(1000);
                }
                broker.start();

                await().atMost(Duration.ofSeconds(240))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            JsonPath r = get(trainer, id);
                            assertNotEquals("FAILED", r.getString("status"), () -> "failed: " + r.getString("error"));
                            Object lag = r.get("consumerLag");
                            return r.getLong("tokensTrained") >= distinct
                                    && lag != null
                                    && ((Number) lag).longValue() == 0;
                        });
                Thread.sleep(3000); // a duplicate still in flight would show up in the count by now
                given().baseUri(trainer.baseUrl())
                        .post("/api/runs/" + id + "/stop")
                        .then()
                        .statusCode(200);
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> "STOPPED".equals(get(trainer, id).getString("status")));
                JsonPath run = get(trainer, id);
                assertEquals(
                        distinct, run.getLong("tokensCheckpointed"), "every distinct train row trained exactly once");
                assertTrue(run.getInt("retries") >= 1, "the outage cost at least one retry: " + run.prettify());
                System.out.printf(
                        "broker outage of %s: retries %d, last error: %s%n",
                        OUTAGE, run.getInt("retries"), run.getString("lastError"));
            }
        }
    }

    /** Rows of the train-split records, each distinct payload counted once. */
    private static long distinctTrainRows(String bootstrap, String topic) throws Exception {
        Set<String> seen = new HashSet<>();
        long rows = 0;
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        for (var r : TopicReader.readAll(bootstrap, topic)) {
            var b = ActivationBatchCodec.decode(r.value());
            if (b.split() == Split.TRAIN && seen.add(java.util.HexFormat.of().formatHex(sha.digest(r.value())))) {
                rows += b.rows();
            }
        }
        return rows;
    }

    private static JsonPath get(TrainerProcess p, String id) {
        return given().baseUri(p.baseUrl())
                .get("/api/runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}

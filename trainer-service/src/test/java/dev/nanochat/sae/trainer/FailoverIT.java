package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TopicReader;
import dev.nanochat.sae.trainer.support.TrainerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two real trainer processes share runs through the trainer group. The owner of a run is killed with
 * SIGKILL mid-run while activations are still arriving; the survivor takes the run over from the last
 * checkpoint, the killed one is restarted, and the run ends having trained every produced token
 * exactly once. Bad records in the stream land in the DLQ meanwhile. {@code stopAfterTokens} is twice
 * what the topic holds, so the loop's own limit cannot mask a record trained twice: the run is stopped
 * once it has consumed the topic, and its trained rows must equal the distinct train rows in the topic.
 */
class FailoverIT {
    static final int RECORDS = 400;
    static final int ROWS = 256;
    static final int BAD_EVERY = 100;

    @Test
    void killing_the_owner_moves_the_run_to_the_survivor_which_resumes_from_the_checkpoint() throws Exception {
        String id8 = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>();
        env.put("SAE_TOPICS_SUFFIX", ".it-" + id8);
        env.put("SAE_TRAINER_GROUP", "sae-trainers-it-" + id8);
        env.put("SAE_SESSION_TIMEOUT_MS", "6000");
        env.put("SAE_CHECKPOINT_DIR", Files.createTempDirectory("trainer-it-").toString());
        Path logs = Path.of("target", "it-logs", id8);
        String topic = ActivationTopics.uniqueTopic("sae.activations.it");
        ActivationTopics.create(topic, 2);

        List<TrainerProcess> processes = new ArrayList<>();
        try (ActivationTopics producer = new ActivationTopics()) {
            processes.add(TrainerProcess.start("trainer-a", 18281, env, logs));
            processes.add(TrainerProcess.start("trainer-b", 18282, env, logs));
            for (TrainerProcess p : processes) {
                p.awaitReady(Duration.ofSeconds(120));
            }
            long trainTokens = (long) RECORDS * ROWS;
            Map<String, Object> body = Runs.request(topic, 2 * trainTokens, 16 * ROWS);
            String id = given().baseUri(processes.get(0).baseUrl())
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/runs")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");

            // Activations keep arriving while we kill the owner: the run is genuinely mid-stream.
            AtomicLong sent = new AtomicLong();
            Thread feeder = new Thread(() -> feed(producer, topic, sent));
            feeder.start();
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> get(processes.get(1), id).getLong("tokensCheckpointed") > 0);
            String owner = get(processes.get(1), id).getString("ownerInstance");
            TrainerProcess victim = processes.stream()
                    .filter(p -> p.name().equals(owner))
                    .findFirst()
                    .orElseThrow();
            TrainerProcess survivor =
                    processes.stream().filter(p -> p != victim).findFirst().orElseThrow();
            victim.kill9();
            long checkpointedAtKill = get(survivor, id).getLong("tokensCheckpointed");
            assertTrue(checkpointedAtKill < trainTokens, "killed mid-run at " + checkpointedAtKill);

            // The survivor gets the slot after the session timeout and resumes from the last checkpoint.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> survivor.name().equals(get(survivor, id).getString("ownerInstance")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> survivor.log().contains("starts at " + checkpointedAtKill + " tokens"));

            TrainerProcess restarted = TrainerProcess.start(victim.name() + "-restarted", 18283, env, logs);
            processes.add(restarted);
            restarted.awaitReady(Duration.ofSeconds(120));
            feeder.join();
            long distinctTrainRows = distinctTrainRows(topic);
            assertEquals(trainTokens, distinctTrainRows, "the feeder's records are all in the topic");
            // Consumed everything (the live count can only overshoot, never undershoot, if rows were trained twice).
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> get(survivor, id).getLong("tokensTrained") >= distinctTrainRows);
            Thread.sleep(3000); // a duplicate still in flight would show up in the count by now
            given().baseUri(survivor.baseUrl())
                    .post("/api/runs/" + id + "/stop")
                    .then()
                    .statusCode(200);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> "STOPPED".equals(get(survivor, id).getString("status")));

            JsonPath run = get(restarted, id);
            assertEquals(
                    distinctTrainRows,
                    run.getLong("tokensCheckpointed"),
                    "every distinct train row trained exactly once");
            assertEquals(RECORDS / BAD_EVERY, run.getLong("dlqRecords"), "bad records counted once per run");

            // Events are at-least-once (a new owner re-announces the checkpoint it resumes from): de-duplicate by id.
            Map<String, CheckpointEvent> byId = new java.util.LinkedHashMap<>();
            TopicReader.readAll(Topics.CHECKPOINTS + env.get("SAE_TOPICS_SUFFIX")).stream()
                    .filter(r -> id.equals(r.key()))
                    .map(r -> CheckpointEvents.fromCloudEventJson(r.value()))
                    .forEach(e -> byId.putIfAbsent(e.id(), e));
            List<CheckpointEvent> events = List.copyOf(byId.values());
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).tokens() > events.get(i - 1).tokens(), "checkpoints only move forward");
            }
            assertTrue(
                    events.stream().anyMatch(e -> e.tokens() == checkpointedAtKill),
                    "the resumed-from checkpoint is announced");
            assertTrue(
                    events.stream().anyMatch(e -> !e.instance().equals(victim.name())), "another instance continued");
            assertEquals(distinctTrainRows, events.get(events.size() - 1).tokens());

            long distinctBadOffsets = TopicReader.readAll(Topics.DLQ + env.get("SAE_TOPICS_SUFFIX")).stream()
                    .map(r -> TopicReader.header(r, DeadLetters.HEADER_PARTITION) + "@"
                            + TopicReader.header(r, DeadLetters.HEADER_OFFSET))
                    .distinct()
                    .count();
            assertEquals(RECORDS / BAD_EVERY, distinctBadOffsets, "each bad record dead-lettered (at least once)");
        } finally {
            for (TrainerProcess p : processes) {
                p.close();
            }
        }
    }

    /** Rows of the decodable train-split records, each distinct payload counted once. */
    private static long distinctTrainRows(String topic) {
        Map<String, Integer> rowsByContent = new HashMap<>();
        for (var r : TopicReader.readAll(topic)) {
            try {
                var b = dev.nanochat.sae.core.records.ActivationBatchCodec.decode(r.value());
                if (b.split() == Split.TRAIN) {
                    rowsByContent.put(
                            java.util.HexFormat.of()
                                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                            .digest(r.value())),
                            b.rows());
                }
            } catch (dev.nanochat.sae.core.records.InvalidRecordException | java.security.NoSuchAlgorithmException e) {
                // garbage records: the DLQ's business, not training data
            }
        }
        return rowsByContent.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static JsonPath get(TrainerProcess p, String id) {
        return given().baseUri(p.baseUrl())
                .get("/api/runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** 400 train records of 256 rows at ~40 records/s over two partitions, a garbage record every 100. */
    private static void feed(ActivationTopics producer, String topic, AtomicLong sent) {
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 11);
        try {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(topic, i % 2, producer.record(data.sample(ROWS), ROWS, Runs.D_IN, Split.TRAIN));
                if (i % BAD_EVERY == BAD_EVERY / 2) {
                    producer.send(topic, i % 2, ActivationTopics.garbage());
                }
                sent.incrementAndGet();
                Thread.sleep(25);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.io.Digests;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.core.records.TrainingProgressJson;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Fvu;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TopicReader;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A run end to end on the real broker and database: exact token count, checkpoints, events, progress, FVU. */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class RunLifecycleTest {
    /** FVU the SAE must reach on fresh synthetic rows (3 of 32 directions per row + 1% noise). */
    static final double FVU_THRESHOLD = 0.1;

    @Inject
    TopicNames topics;

    @Test
    void a_run_trains_every_record_once_checkpoints_and_learns_the_directions() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.test");
        ActivationTopics.create(topic, 3);
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 1);
        long produced;
        try (ActivationTopics producer = new ActivationTopics()) {
            produced = producer.produceTrain(topic, 3, data, 240, 320);
        }
        Map<String, Object> request = Runs.request(topic, produced, 19_200);
        request.remove("device"); // → sae.trainer.default-device (SAE_DEVICE, cpu here)
        String id = Runs.create(request);
        JsonPath run = Runs.awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        assertEquals("cpu", run.getString("device"));
        assertTrue(run.getString("engine").startsWith("device cpu(); sparse path"), run.getString("engine"));

        assertEquals(produced, run.getLong("tokensCheckpointed"), "every produced token trained exactly once");
        assertEquals(produced, run.getLong("tokensTrained"));
        assertEquals(0, run.getLong("dlqRecords"));
        assertNull(run.get("slot"), "a completed run releases its slot");

        List<Map<String, Object>> checkpoints = given().get("/api/runs/" + id + "/checkpoints")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        List<Long> tokens = checkpoints.stream()
                .map(c -> ((Number) c.get("tokens")).longValue())
                .toList();
        assertEquals(List.of(19_200L, 38_400L, 57_600L, produced), tokens, "a checkpoint every 19200 tokens + final");
        double firstFvu = ((Number) ((Map<?, ?>) checkpoints.get(0).get("metrics")).get("fvu")).doubleValue();
        Map<String, Object> last = checkpoints.get(checkpoints.size() - 1);
        assertEquals(true, last.get("isFinal"));
        Path finalDir = Path.of((String) last.get("path"));
        assertEquals(Digests.sha256(finalDir.resolve("sae_weights.safetensors")), last.get("sha256"));

        List<CheckpointEvent> events = TopicReader.readAll(topics.checkpoints()).stream()
                .filter(r -> id.equals(r.key()))
                .map(r -> CheckpointEvents.fromCloudEventJson(r.value()))
                .toList();
        assertEquals(checkpoints.size(), events.size(), "one CloudEvent per checkpoint");
        CheckpointEvent done = events.get(events.size() - 1);
        assertTrue(done.finalCheckpoint());
        assertEquals(produced, done.tokens());
        assertEquals(last.get("sha256"), done.sha256());
        assertEquals(Runs.D_IN, done.config().get("d_in").asInt());

        assertProgress(id, events, produced);

        float[] fresh = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 99).sample(4000);
        double fvu = Fvu.of(finalDir, fresh, 4000, Runs.D_IN);
        assertTrue(fvu < FVU_THRESHOLD, "FVU of the trained SAE on fresh data: " + fvu);
        assertTrue(firstFvu > 2 * fvu, "FVU fell from " + firstFvu + " (first checkpoint) to " + fvu);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", ActivationTopics.BOOTSTRAP))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("sae-run-" + id)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long committedTotal = committed.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
            assertEquals(240, committedTotal, "offsets committed after the final checkpoint cover every record");
        }
    }

    /**
     * sae.training-progress of the run: strictly increasing steps and tokens, at most one record per
     * progress interval (by the records' timestamps) except the always-sent last step, tokens consistent
     * with every checkpoint (same step ⇔ same tokens, earlier step ⇔ fewer tokens), finite metrics named as
     * the checkpoint event's, and the last record is the final checkpoint's step with its very metrics.
     */
    private void assertProgress(String id, List<CheckpointEvent> events, long produced) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(topics.trainingProgress()).stream()
                .filter(r -> id.equals(r.key()))
                .toList();
        List<TrainingProgress> progress = records.stream()
                .map(r -> TrainingProgressJson.fromBytes(r.value()))
                .toList();
        CheckpointEvent done = events.get(events.size() - 1);
        long elapsedMs =
                records.get(records.size() - 1).timestamp() - records.get(0).timestamp();
        System.out.printf(
                "training progress: %d records over %d ms for %d steps (interval %d ms)%n",
                progress.size(), elapsedMs, done.step(), TrainerTestResource.PROGRESS_INTERVAL_MS);
        assertTrue(progress.size() >= 2, "first and last step at least: " + progress.size());
        assertTrue(
                progress.size() <= elapsedMs / TrainerTestResource.PROGRESS_INTERVAL_MS + 2,
                progress.size() + " records in " + elapsedMs + " ms");
        assertEquals(1, progress.get(0).step(), "the first step is reported");
        for (int i = 0; i < progress.size(); i++) {
            TrainingProgress p = progress.get(i);
            assertEquals(id, p.runId());
            assertEquals("topk", p.architecture());
            assertEquals(done.modelId(), p.modelId());
            assertEquals(done.hook(), p.hook());
            assertEquals(done.metrics().keySet(), p.metrics().keySet(), "step " + p.step());
            p.metrics().values().forEach(v -> assertTrue(Double.isFinite(v)));
            assertEquals((double) p.step(), p.metrics().get("step"));
            assertEquals((double) p.tokens(), p.metrics().get("tokens"));
            assertTrue(p.tokens() >= p.step() && p.tokens() <= p.step() * 256, "1..256 rows per step: " + p);
            if (i > 0) {
                TrainingProgress prev = progress.get(i - 1);
                assertTrue(p.step() > prev.step() && p.tokens() > prev.tokens(), prev + " then " + p);
                if (i < progress.size() - 1) {
                    long gap = records.get(i).timestamp() - records.get(i - 1).timestamp();
                    assertTrue(gap >= TrainerTestResource.PROGRESS_INTERVAL_MS - 2, "records " + gap + " ms apart");
                }
            }
            for (CheckpointEvent c : events) {
                assertEquals(p.step() == c.step(), p.tokens() == c.tokens(), p + " vs checkpoint " + c.id());
                assertEquals(p.step() < c.step(), p.tokens() < c.tokens(), p + " vs checkpoint " + c.id());
            }
        }
        TrainingProgress last = progress.get(progress.size() - 1);
        assertEquals(done.step(), last.step(), "ends at the run's last step");
        assertEquals(produced, last.tokens());
        assertEquals(done.metrics(), last.metrics(), "the final checkpoint carries the last step's metrics");
        assertTrue(last.metrics().get("fvu") < progress.get(0).metrics().get("fvu"), "FVU fell");
    }

    @Test
    void bad_requests_are_problem_json_naming_the_problem() {
        given().contentType("application/json")
                .body(Map.of("activationTopic", "t"))
                .post("/api/runs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("sae"));
        Map<String, Object> unknownField = Runs.request("sae.activations.x", null, 1000);
        ((Map<String, Object>) unknownField.get("sae")).put("bogus", 1);
        given().contentType("application/json")
                .body(unknownField)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .body("detail", containsString("bogus"));
        Map<String, Object> gpu = Runs.request("sae.activations.x", null, 1000);
        gpu.put("device", "gpu");
        given().contentType("application/json")
                .body(gpu)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .body("detail", containsString("no CUDA GPU"));
        gpu.put("device", "tpu");
        given().contentType("application/json")
                .body(gpu)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .body("detail", containsString("device must be 'cpu', 'gpu' or 'gpu:N'"));
        Map<String, Object> badBatch = Runs.request("sae.activations.x", null, 1000);
        badBatch.put("batchTokens", 0);
        given().contentType("application/json")
                .body(badBatch)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .body("detail", containsString("batchTokens must be positive, got 0"));
        Map<String, Object> badTopic = Runs.request("bad topic/../x", null, 1000);
        given().contentType("application/json")
                .body(badTopic)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .body("detail", containsString("not a legal Kafka topic"));
        given().get("/api/runs/no-such-run").then().statusCode(404).body("detail", containsString("no-such-run"));
        given().post("/api/runs/no-such-run/pause").then().statusCode(404);
    }

    @Test
    void a_run_can_be_created_by_model_id_and_hook() {
        Map<String, Object> body = Runs.request(null, null, 1000);
        body.remove("activationTopic");
        body.put("modelId", "d2-000600");
        body.put("hook", "blocks.1.hook_resid_post");
        String id = Runs.create(body);
        JsonPath run = Runs.get(id);
        assertEquals("sae.activations.d2-000600.blocks.1.hook_resid_post", run.getString("activationTopic"));
        assertEquals("blocks.1.hook_resid_post", run.getString("sae.hook_point"));
        given().post("/api/runs/" + id + "/stop").then().statusCode(200);
        Runs.awaitStatus(id, "STOPPED", Duration.ofSeconds(60));
    }
}

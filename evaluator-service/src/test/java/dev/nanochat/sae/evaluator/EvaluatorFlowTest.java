package dev.nanochat.sae.evaluator;

import static dev.nanochat.sae.evaluator.KafkaAndRootsResource.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.eval.NaiveMetrics;
import dev.nanochat.sae.eval.SaeCheckpoint;
import dev.nanochat.sae.eval.TestSaes;
import dev.nanochat.sae.nanochat.Checkpoints;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end on the real broker and database: held-out activations of the d2 fixture arrive on the
 * activation topic; checkpoint events (good, duplicate, corrupt, malformed) arrive on the checkpoint
 * topic; evaluations are checked against first-principles values, over REST and on sae.evaluations.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndRootsResource.class) // global: every @QuarkusTest gets this run's topics and groups
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluatorFlowTest {
    static final int D = 128, N = 256, SEQS = 6, T = 23;
    static final String RUN_A = "run-a-" + RUN, RUN_B = "run-b-" + RUN, RUN_BAD = "run-bad-" + RUN;
    static float[] heldOut; // [SEQS·T, D], the eval-split rows the evaluator should keep
    static float[] wEnc = TestSaes.gaussian(D * N, 0.05f, 1), bEnc = TestSaes.gaussian(N, 0.3f, 2);
    static float[] wDec = TestSaes.gaussian(N * D, 0.05f, 3), bDec = TestSaes.gaussian(D, 0.1f, 4);

    @Test
    @Order(1)
    void eval_split_records_become_the_held_out_set_and_bad_ones_are_dead_lettered() throws Exception {
        int[][] ids = tokenSequences();
        try (Gpt gpt = Gpt.load(Checkpoints.resolve(modelRoot, "base", TAG, 600), Device.cpu())) {
            HookPoint hook = HookPoint.parse(HOOK);
            heldOut = gpt.forward(ids, ForwardOptions.captureOnly(Set.of(hook))).activations(hook);
        }
        int rowsPerRecord = 3 * T;
        for (int rec = 0; rec < 2; rec++) {
            send(batch(rec, Split.EVAL, Arrays.copyOfRange(heldOut, rec * rowsPerRecord * D, (rec + 1) * rowsPerRecord * D),
                    Arrays.copyOfRange(ids, rec * 3, rec * 3 + 3)));
        }
        send(batch(2, Split.TRAIN, Arrays.copyOf(heldOut, T * D), new int[][] {ids[0]})); // ignored: train split
        TestKafka.send(ACTIVATIONS, "x", "not safetensors".getBytes(StandardCharsets.UTF_8),
                Map.of(ActivationBatchCodec.HEADER_SPLIT, "eval"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("model", MODEL_ID)
                .queryParam("hook", HOOK).get("/api/held-out").then().statusCode(200).body("tokens", equalTo(SEQS * T)));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.readAll(DLQ).stream()
                .anyMatch(r -> ACTIVATIONS.equals(TestKafka.header(r, DeadLetters.HEADER_TOPIC))));
    }

    @Test
    @Order(2)
    void checkpoints_are_evaluated_once_with_first_principles_metrics() throws Exception {
        Path a1 = TestSaes.relu(checkpointRoot.resolve(RUN_A).resolve("step-1"), D, N, wEnc, bEnc, wDec, bDec);
        Path a2 = TestSaes.identity(checkpointRoot.resolve(RUN_A).resolve("step-2"), D);
        Path b1 = TestSaes.zero(checkpointRoot.resolve(RUN_B).resolve("step-1"), D, 9);
        Path bad = TestSaes.identity(checkpointRoot.resolve(RUN_BAD).resolve("step-1"), D);
        byte[] w = Files.readAllBytes(bad.resolve(SaeCheckpoint.WEIGHTS));
        Files.write(bad.resolve(SaeCheckpoint.WEIGHTS), Arrays.copyOf(w, 100)); // corrupt, yet the hash matches the event
        String badSha = SaeCheckpoint.sha256(bad.resolve(SaeCheckpoint.WEIGHTS));
        Path outside = TestSaes.identity(checkpointRoot.getParent().resolve("outside"), D);

        checkpoint(RUN_A, 1, 1000, a1, false);
        checkpoint(RUN_A, 1, 1000, a1, false); // duplicate delivery
        TestKafka.send(CHECKPOINTS, "junk", "{\"specversion\":".getBytes(StandardCharsets.UTF_8), Map.of());
        checkpoint(RUN_A, 2, 2000, a2, true);
        checkpoint(RUN_B, 1, 1000, b1, true);
        sendEvent(event(RUN_BAD, 1, 500, bad, false, badSha));
        checkpoint(RUN_BAD, 2, 600, outside, false);

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> given().queryParam("run", RUN_BAD)
                .get("/api/evaluations").then().statusCode(200).body("size()", equalTo(2)));
        JsonPath runA = given().queryParam("run", RUN_A).get("/api/evaluations").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(1, 2), runA.getList("step"));
        assertEquals(List.of("ok", "ok"), runA.getList("status"));

        NaiveMetrics want = NaiveMetrics.relu(heldOut, SEQS * T, D, N, wEnc, bEnc, wDec, bDec);
        Map<String, Object> m = runA.getMap("[0].metrics");
        close(want.mse, m, "mse");
        close(want.fvu, m, "fvu");
        close(want.explainedVariance, m, "explained_variance");
        close(want.l0, m, "l0");
        close(want.l1, m, "l1");
        close(want.deadFraction, m, "dead_fraction");
        close(want.dense10, m, "dense_fraction_10pct");
        close(want.dense1, m, "dense_fraction_1pct");
        close(want.cosine, m, "cosine");
        close(want.l2Ratio, m, "l2_ratio");
        assertEquals(SEQS * T, runA.getInt("[0].evalTokens"));
        assertEquals(SEQS * (T - 1), ((Number) m.get("ce_tokens")).intValue());

        Map<String, Object> identity = runA.getMap("[1].metrics");
        assertEquals(1.0, num(identity, "ce_loss_recovered"), 1e-4);
        assertTrue(num(identity, "kl_spliced") < 1e-6, "kl " + identity.get("kl_spliced"));
        assertEquals(0.0, num(identity, "fvu"), 1e-9);

        JsonPath runB = given().queryParam("run", RUN_B).get("/api/evaluations").then().extract().jsonPath();
        assertEquals(0.0, num(runB.getMap("[0].metrics"), "ce_loss_recovered"), 1e-9);

        JsonPath runBad = given().queryParam("run", RUN_BAD).get("/api/evaluations").then().extract().jsonPath();
        assertEquals(List.of("failed", "failed"), runBad.getList("status"));
        assertTrue(runBad.getString("[0].reason").contains("cannot be loaded"), runBad.getString("[0].reason"));
        assertTrue(runBad.getString("[1].reason").contains("outside the configured checkpoint roots"));
    }

    @Test
    @Order(3)
    void curves_and_comparisons_are_served_and_bad_queries_are_problems() {
        given().get("/api/runs/" + RUN_A + "/curve?metric=fvu").then().statusCode(200)
                .body("points.size()", equalTo(2)).body("points[0].tokens", equalTo(1000))
                .body("points[1].value", equalTo(0.0f));
        given().get("/api/runs/" + RUN_A + "/curve?metric=nonsense").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("available: ["));
        given().get("/api/compare?runs=" + RUN_A + "," + RUN_B).then().statusCode(200)
                .body("size()", equalTo(2)).body("[0].latest.step", equalTo(2))
                .body("[1].points[0].ceLossRecovered", equalTo(0.0f));
        given().get("/api/compare?runs=nope-" + RUN).then().statusCode(404).body("detail", containsString("nope-" + RUN));
        given().get("/api/evaluations").then().statusCode(400).contentType("application/problem+json");
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/compare"));
    }

    @Test
    @Order(4)
    void each_evaluation_is_published_once_and_malformed_events_are_dead_lettered() {
        var events = TestKafka.readAll(EVALUATIONS).stream().map(r -> JsonPath.from(new String(r.value(), StandardCharsets.UTF_8))).toList();
        assertEquals(List.of(RUN_A + ":1", RUN_A + ":2", RUN_B + ":1", RUN_BAD + ":1", RUN_BAD + ":2"),
                events.stream().map(e -> e.getString("id")).toList());
        assertEquals("dev.nanochat.sae.evaluation", events.get(0).getString("type"));
        assertEquals("failed", events.get(3).getString("data.status"));
        var dead = TestKafka.readAll(DLQ).stream().filter(r -> CHECKPOINTS.equals(TestKafka.header(r, DeadLetters.HEADER_TOPIC))).toList();
        assertEquals(1, dead.size());
        assertEquals("{\"specversion\":", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        assertNotNull(TestKafka.header(dead.get(0), DeadLetters.HEADER_REASON));
        assertNull(TestKafka.header(dead.get(0), "unexpected"));
    }

    /** Two reference sentences of the fixture plus four seeded random sequences, [SEQS, T]. */
    private static int[][] tokenSequences() {
        long[] ref = Safetensors.read(Path.of("src/test/resources/nanochat-d2/reference_activations.safetensors")).longs("input_ids");
        int[][] ids = new int[SEQS][T];
        Random r = new Random(42);
        for (int s = 0; s < SEQS; s++) {
            for (int t = 0; t < T; t++) {
                ids[s][t] = s < 2 ? (int) ref[s * T + t] : r.nextInt(1024);
            }
        }
        return ids;
    }

    private static ActivationBatch batch(long sequence, Split split, float[] act, int[][] seqs) {
        int rows = seqs.length * T;
        int[] tokens = new int[rows];
        long[] docs = new long[rows];
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            tokens[i] = seqs[i / T][i % T];
            docs[i] = sequence * 10 + i / T;
            positions[i] = i % T;
        }
        return new ActivationBatch("c-" + RUN, MODEL_ID, HOOK, D, DType.F32, sequence, split,
                ActivationBatchCodec.SCHEMA_VERSION, act, tokens, docs, positions);
    }

    private static void send(ActivationBatch b) throws Exception {
        TestKafka.send(ACTIVATIONS, b.collectionId(), ActivationBatchCodec.encode(b), ActivationBatchCodec.headers(b));
    }

    private static void checkpoint(String run, long step, long tokens, Path dir, boolean last) throws Exception {
        sendEvent(event(run, step, tokens, dir, last, SaeCheckpoint.sha256(dir.resolve(SaeCheckpoint.WEIGHTS))));
    }

    private static CheckpointEvent event(String run, long step, long tokens, Path dir, boolean last, String sha) {
        return new CheckpointEvent(run, step, tokens, dir.toString(), sha, last, Map.of("loss", 1.0), null, MODEL_ID,
                HOOK, "test", Instant.now());
    }

    private static void sendEvent(CheckpointEvent e) throws Exception {
        TestKafka.send(CHECKPOINTS, e.runId(), CheckpointEvents.toCloudEventBytes(e), Map.of());
    }

    private static double num(Map<String, Object> m, String name) {
        Object v = m.get(name);
        assertTrue(v instanceof Number, name + " missing: " + m.keySet());
        return ((Number) v).doubleValue();
    }

    private static void close(double want, Map<String, Object> m, String name) {
        assertEquals(want, num(m, name), 1e-4 * Math.max(1, Math.abs(want)), name);
    }
}

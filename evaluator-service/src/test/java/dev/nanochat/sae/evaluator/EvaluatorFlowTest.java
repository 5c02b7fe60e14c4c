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
import dev.nanochat.sae.core.io.Digests;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.DeadLetters;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.eval.NaiveMetrics;
import dev.nanochat.sae.eval.SaeCheckpoint;
import dev.nanochat.sae.eval.TestSaes;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    static final int D = 128, N = 256, DEAD = 16;
    static final String RUN_A = "run-a-" + RUN, RUN_B = "run-b-" + RUN, RUN_BAD = "run-bad-" + RUN;
    static List<int[]> docs; // real text of the fixture, BOS first, one sequence per document
    static float[] heldOut; // [Σ doc lengths, D], the eval-split rows the evaluator should keep
    static int rows;
    static float[] wEnc = TestSaes.gaussian(D * N, 0.05f, 1), bEnc = TestSaes.gaussian(N, 0.3f, 2);
    static float[] wDec = TestSaes.gaussian(N * D, 0.05f, 3), bDec = TestSaes.gaussian(D, 0.1f, 4);

    @Test
    @Order(1)
    void eval_split_records_become_the_held_out_set_and_bad_ones_are_dead_lettered() throws Exception {
        docs = textDocuments();
        List<float[]> acts = new ArrayList<>();
        try (Gpt gpt = Gpt.load(ModelCheckpoints.resolve(modelRoot, "base", TAG, 600), Device.cpu())) {
            HookPoint hook = HookPoint.parse(HOOK);
            for (int[] doc : docs) {
                acts.add(gpt.forward(new int[][] {doc}, ForwardOptions.captureOnly(Set.of(hook)))
                        .activations(hook));
            }
        }
        int half = docs.size() / 2;
        send(batch(0, Split.EVAL, docs.subList(0, half), acts.subList(0, half)));
        send(batch(1, Split.EVAL, docs.subList(half, docs.size()), acts.subList(half, docs.size())));
        send(batch(2, Split.TRAIN, docs.subList(0, 1), acts.subList(0, 1))); // ignored: train split
        ActivationBatch orphan = batch(0, Split.EVAL, docs.subList(0, 1), acts.subList(0, 1));
        send(new ActivationBatch(
                orphan.collectionId(),
                MISSING_MODEL_ID,
                HOOK,
                D,
                DType.F32,
                0,
                Split.EVAL,
                orphan.schemaVersion(),
                orphan.activations(),
                orphan.tokenIds(),
                orphan.docIds(),
                orphan.positions()));
        rows = docs.stream().mapToInt(d -> d.length).sum();
        heldOut = new float[rows * D];
        int at = 0;
        for (float[] a : acts) {
            System.arraycopy(a, 0, heldOut, at, a.length);
            at += a.length;
        }
        TestKafka.send(
                ACTIVATIONS,
                "x",
                "not safetensors".getBytes(StandardCharsets.UTF_8),
                Map.of(ActivationBatchCodec.HEADER_SPLIT, "eval"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("model", MODEL_ID)
                .queryParam("hook", HOOK)
                .get("/api/held-out")
                .then()
                .statusCode(200)
                .body("tokens", equalTo(rows)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("model", MISSING_MODEL_ID)
                .queryParam("hook", HOOK)
                .get("/api/held-out")
                .then()
                .statusCode(200)
                .body("tokens", equalTo(23)));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.readAll(DLQ).stream()
                .anyMatch(r -> ACTIVATIONS.equals(TestKafka.header(r, DeadLetters.HEADER_TOPIC))));
    }

    @Test
    @Order(2)
    void checkpoints_are_evaluated_once_with_first_principles_metrics() throws Exception {
        for (int j = 0; j < DEAD; j++) {
            bEnc[j] = -1e6f; // never fires: dead_fraction = 16/256
        }
        Path a1 = TestSaes.relu(checkpointRoot.resolve(RUN_A).resolve("step-1"), D, N, wEnc, bEnc, wDec, bDec);
        Path a2 = TestSaes.identity(checkpointRoot.resolve(RUN_A).resolve("step-2"), D);
        Path b1 = TestSaes.zero(checkpointRoot.resolve(RUN_B).resolve("step-1"), D, 9);
        Path bad = TestSaes.identity(checkpointRoot.resolve(RUN_BAD).resolve("step-1"), D);
        byte[] w = Files.readAllBytes(bad.resolve(SaeCheckpoint.WEIGHTS));
        Files.write(
                bad.resolve(SaeCheckpoint.WEIGHTS), Arrays.copyOf(w, 100)); // corrupt, yet the hash matches the event
        String badSha = Digests.sha256(bad.resolve(SaeCheckpoint.WEIGHTS));
        Path outside = TestSaes.identity(checkpointRoot.getParent().resolve("outside"), D);

        checkpoint(RUN_A, 1, 1000, a1, false);
        checkpoint(RUN_A, 1, 1000, a1, false); // duplicate delivery
        TestKafka.send(CHECKPOINTS, "junk", "{\"specversion\":".getBytes(StandardCharsets.UTF_8), Map.of());
        checkpoint(RUN_A, 2, 2000, a2, true);
        checkpoint(RUN_B, 1, 1000, b1, true);
        sendEvent(event(RUN_BAD, 1, 500, bad, false, badSha));
        checkpoint(RUN_BAD, 2, 600, outside, false);
        sendEvent(new CheckpointEvent(
                RUN_B,
                2,
                2000,
                b1.toString(),
                Digests.sha256(b1.resolve(SaeCheckpoint.WEIGHTS)),
                false,
                Map.of(),
                null,
                MISSING_MODEL_ID,
                HOOK,
                "test",
                Instant.now()));

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> given().queryParam("run", RUN_B)
                .get("/api/evaluations")
                .then()
                .statusCode(200)
                .body("size()", equalTo(2)));
        JsonPath runA = given().queryParam("run", RUN_A)
                .get("/api/evaluations")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of(1, 2), runA.getList("step"));
        assertEquals(List.of("ok", "ok"), runA.getList("status"));

        NaiveMetrics want = NaiveMetrics.relu(heldOut, rows, D, N, wEnc, bEnc, wDec, bDec);
        assertTrue(want.deadFraction >= (double) DEAD / N, "the fixture SAE has dead latents");
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
        assertEquals(rows, runA.getInt("[0].evalTokens"));
        assertEquals(
                rows - docs.size(), ((Number) m.get("ce_tokens")).intValue()); // every token but the first of a doc
        assertEquals(3.961591958999634, num(m, "ce_loss_clean"), 2e-4, "the Python reference's loss on these tokens");
        assertTrue(
                num(m, "ce_loss_zero_ablated") > num(m, "ce_loss_clean") + 0.5,
                "ablation must hurt on real text: " + m);

        Map<String, Object> identity = runA.getMap("[1].metrics");
        assertEquals(1.0, num(identity, "ce_loss_recovered"), 1e-4);
        assertTrue(num(identity, "kl_spliced") < 1e-6, "kl " + identity.get("kl_spliced"));
        assertEquals(0.0, num(identity, "fvu"), 1e-9);

        JsonPath runB = given().queryParam("run", RUN_B)
                .get("/api/evaluations")
                .then()
                .extract()
                .jsonPath();
        assertEquals(0.0, num(runB.getMap("[0].metrics"), "ce_loss_recovered"), 1e-9);
        // model not under the roots: reconstruction metrics on its held-out set, spliced metrics skipped with the
        // reason
        assertEquals("ok", runB.getString("[1].status"));
        double meanSquaredNorm = 0; // x̂ = 0, so mse = mean over the orphan's 23 tokens of ‖x‖²
        for (int i = 0; i < 23 * D; i++) {
            meanSquaredNorm += (double) heldOut[i] * heldOut[i] / 23;
        }
        close(meanSquaredNorm, runB.getMap("[1].metrics"), "mse");
        assertEquals(23, runB.getInt("[1].evalTokens"));
        assertTrue(
                runB.getString("[1].notes")
                        .startsWith("spliced metrics skipped: model " + MISSING_MODEL_ID + " not found"),
                runB.getString("[1].notes"));
        assertNull(runB.getMap("[1].metrics").get("ce_loss_recovered"));

        JsonPath runBad = given().queryParam("run", RUN_BAD)
                .get("/api/evaluations")
                .then()
                .extract()
                .jsonPath();
        assertEquals(List.of("failed", "failed"), runBad.getList("status"));
        assertTrue(runBad.getString("[0].reason").contains("cannot be loaded"), runBad.getString("[0].reason"));
        // outside the roots reads exactly like a missing directory (no file-system probing)
        assertTrue(
                runBad.getString("[1].reason")
                        .contains("is not a checkpoint directory under the configured checkpoint roots"),
                runBad.getString("[1].reason"));
    }

    @Test
    @Order(3)
    void curves_and_comparisons_are_served_and_bad_queries_are_problems() {
        given().get("/api/runs/" + RUN_A + "/curve?metric=fvu")
                .then()
                .statusCode(200)
                .body("points.size()", equalTo(2))
                .body("points[0].tokens", equalTo(1000))
                .body("points[1].value", equalTo(0.0f));
        given().get("/api/runs/" + RUN_A + "/curve?metric=nonsense")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("available: ["));
        given().get("/api/compare?runs=" + RUN_A + "," + RUN_B)
                .then()
                .statusCode(200)
                .body("size()", equalTo(2))
                .body("[0].latest.step", equalTo(2))
                .body("[1].points[0].ceLossRecovered", equalTo(0.0f));
        given().get("/api/compare?runs=nope-" + RUN)
                .then()
                .statusCode(404)
                .body("detail", containsString("nope-" + RUN));
        given().get("/api/evaluations").then().statusCode(400).contentType("application/problem+json");
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/compare"));
    }

    @Test
    @Order(4)
    void each_evaluation_is_published_once_and_malformed_events_are_dead_lettered() {
        var events = TestKafka.readAll(EVALUATIONS).stream()
                .map(r -> JsonPath.from(new String(r.value(), StandardCharsets.UTF_8)))
                .toList();
        assertEquals(
                List.of(RUN_A + ":1", RUN_A + ":2", RUN_B + ":1", RUN_BAD + ":1", RUN_BAD + ":2", RUN_B + ":2"),
                events.stream().map(e -> e.getString("id")).toList());
        assertEquals("dev.nanochat.sae.evaluation", events.get(0).getString("type"));
        assertEquals("failed", events.get(3).getString("data.status"));
        var dead = TestKafka.readAll(DLQ).stream()
                .filter(r -> CHECKPOINTS.equals(TestKafka.header(r, DeadLetters.HEADER_TOPIC)))
                .toList();
        assertEquals(1, dead.size());
        assertEquals("{\"specversion\":", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        assertNotNull(TestKafka.header(dead.get(0), DeadLetters.HEADER_REASON));
        assertNull(TestKafka.header(dead.get(0), "unexpected"));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("sae_evaluator_evaluations_total{status=\"failed\"} 2.0"))
                .body(containsString("sae_evaluator_duplicates_total 1.0"));
    }

    /**
     * The two sentences of the fixture's reference forward ([2, 23] input ids, BOS first): text the tiny
     * model has learned, on which the Python reference measured a mean next-token loss of 3.9616.
     */
    private static List<int[]> textDocuments() {
        long[] ids = Safetensors.read(Path.of("src/test/resources/nanochat-d2/reference_activations.safetensors"))
                .longs("input_ids");
        int t = ids.length / 2;
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            int[] doc = new int[t];
            for (int i = 0; i < t; i++) {
                doc[i] = Math.toIntExact(ids[s * t + i]);
            }
            out.add(doc);
        }
        return out;
    }

    /** One record holding whole documents: doc ids from the sequence number, positions from 0. */
    private static ActivationBatch batch(long sequence, Split split, List<int[]> seqs, List<float[]> acts) {
        int n = seqs.stream().mapToInt(d -> d.length).sum();
        int[] tokens = new int[n];
        long[] docIds = new long[n];
        int[] positions = new int[n];
        float[] act = new float[n * D];
        int at = 0;
        for (int s = 0; s < seqs.size(); s++) {
            int[] doc = seqs.get(s);
            System.arraycopy(acts.get(s), 0, act, at * D, doc.length * D);
            for (int p = 0; p < doc.length; p++, at++) {
                tokens[at] = doc[p];
                docIds[at] = sequence * 100 + s;
                positions[at] = p;
            }
        }
        return new ActivationBatch(
                "c-" + RUN,
                MODEL_ID,
                HOOK,
                D,
                DType.F32,
                sequence,
                split,
                ActivationBatchCodec.SCHEMA_VERSION,
                act,
                tokens,
                docIds,
                positions);
    }

    private static void send(ActivationBatch b) throws Exception {
        TestKafka.send(
                Topics.activations(b.modelId(), b.hook()),
                b.collectionId(),
                ActivationBatchCodec.encode(b),
                ActivationBatchCodec.headers(b));
    }

    private static void checkpoint(String run, long step, long tokens, Path dir, boolean last) throws Exception {
        sendEvent(event(run, step, tokens, dir, last, Digests.sha256(dir.resolve(SaeCheckpoint.WEIGHTS))));
    }

    private static CheckpointEvent event(String run, long step, long tokens, Path dir, boolean last, String sha) {
        return new CheckpointEvent(
                run,
                step,
                tokens,
                dir.toString(),
                sha,
                last,
                Map.of("loss", 1.0),
                null,
                MODEL_ID,
                HOOK,
                "test",
                Instant.now());
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

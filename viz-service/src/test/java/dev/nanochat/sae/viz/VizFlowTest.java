package dev.nanochat.sae.viz;

import static dev.nanochat.sae.viz.VizFixture.*;
import static dev.nanochat.sae.viz.VizTestResource.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.viz.service.RunCurves;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end on the real broker and PostgreSQL: eval-split activations of the d2 fixture on the
 * activation topic, checkpoint events on sae.checkpoints → dashboards stored → the Neuronpedia API
 * answers with numbers recomputed here from the SAE; a repeated event does no work; bad input 404s.
 */
@QuarkusTest
@QuarkusTestResource(VizTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VizFlowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static String source;

    static void ensureDashboard() throws Exception {
        sendActivations();
        if (source != null) return;
        sendEvent(event(RUN_ID, 100, true, saeDir, sha, Map.of("mse", 0.5, "l0", 12.0, "fvu", 0.3)));
        await().atMost(Duration.ofSeconds(120))
                .until(() -> given().get("/api/saes").jsonPath().getList("$").size() >= 1);
        source = given().get("/api/saes").jsonPath().getString("[0].sourceId");
    }

    /** The evaluator's event for the dashboard's checkpoint (run RUN_ID, step 100), as its producer writes it. */
    static byte[] evaluationEvent(String status, Map<String, Object> metrics) throws Exception {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("id", 7);
        data.put("runId", RUN_ID);
        data.put("step", 100);
        data.put("tokens", 51200);
        data.put("modelId", MODEL_ID);
        data.put("hook", HOOK);
        data.put("finalCheckpoint", true);
        data.put("status", status);
        data.put("reason", "ok".equals(status) ? null : "held-out set missing");
        data.put("evalTokens", 4096);
        data.put("metrics", metrics);
        return JSON.writeValueAsBytes(Map.of(
                "specversion", "1.0",
                "id", RUN_ID + ":100",
                "source", "/evaluator",
                "type", "dev.nanochat.sae.evaluation",
                "datacontenttype", "application/json",
                "data", data));
    }

    static final Map<String, Object> HELD_OUT =
            Map.of("fvu", 0.21, "l0", 11.5, "ce_loss_recovered", 0.93, "dead_fraction", 0.03125);

    /** The dashboard, and the evaluator's held-out metrics for its checkpoint. */
    static void ensureEvaluation() throws Exception {
        ensureDashboard();
        send(EVALUATIONS, RUN_ID, evaluationEvent("ok", HELD_OUT), Map.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/api/saes").jsonPath().get("[0].evaluation.metrics.fvu") != null);
    }

    @Test
    @Order(1)
    void final_checkpoint_becomes_dashboards_the_api_serves() throws Exception {
        ensureDashboard();
        JsonPath sae = given().get("/api/saes").jsonPath();
        assertEquals(1, sae.getList("$").size());
        assertEquals(MODEL_ID, sae.getString("[0].modelId"));
        assertEquals("1-res-" + RUN_ID, sae.getString("[0].sourceId"));
        assertEquals(N, sae.getInt("[0].dSae"));
        assertEquals(totalTokens, sae.getLong("[0].tokens")); // eval split only: the train record is not counted
        assertEquals(2, sae.getInt("[0].deadCount"));
        assertEquals(0.3, sae.getDouble("[0].metrics.fvu"), 1e-12);

        float[] z = denseCodes();
        int checked = 0;
        for (int f = 0; f < N; f++) {
            int fired = 0;
            float max = 0;
            for (int t = 0; t < totalTokens; t++) {
                float v = z[t * N + f];
                if (v > 0) fired++;
                max = Math.max(max, v);
            }
            // Jackson, not RestAssured's Groovy paths: 64 features × many paths would compile a script each.
            JsonNode n = JSON.readTree(given().get("/api/feature/" + MODEL_ID + "/" + source + "/" + f)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
            assertEquals(MODEL_ID, n.get("modelId").asText());
            assertEquals(source, n.get("layer").asText());
            assertEquals(Integer.toString(f), n.get("index").asText());
            assertTrue(n.get("index").isTextual());
            assertEquals(HOOK, n.get("hookName").asText());
            assertEquals(fired, n.get("nonzeroCount").asInt(), "feature " + f);
            assertEquals((double) fired / totalTokens, n.get("frac_nonzero").asDouble(), 1e-12, "feature " + f);
            assertEquals(max, n.get("maxActApprox").floatValue(), 1e-4f, "feature " + f);
            assertEquals(10, n.get("pos_str").size());
            assertEquals(10, n.get("neg_values").size());
            assertEquals(10, n.get("topkCosSimIndices").size());
            assertTrue(n.get("explanations").isEmpty());
            if (fired == 0) {
                assertTrue(n.get("activations").isEmpty());
                continue;
            }
            // The top example is the window holding the max, with the value recomputable from the dense codes.
            JsonNode top = n.get("activations").get(0);
            assertEquals(top.get("tokens").size(), top.get("values").size());
            assertEquals(top.get("tokens").size(), top.get("tokenIds").size());
            assertEquals(-1.0, top.get("binMin").asDouble());
            assertEquals(-1.0, top.get("binContains").asDouble());
            assertEquals(max, top.get("maxValue").floatValue(), 1e-4f);
            int q = top.get("maxValueTokenIndex").asInt();
            assertEquals(max, top.get("values").get(q).floatValue(), 1e-4f);
            double heights = 0;
            for (JsonNode h : n.get("freq_hist_data_bar_heights")) heights += h.asDouble();
            assertEquals(fired, heights, 1e-9);
            double contains = 0;
            double lastMin = Double.NaN;
            for (JsonNode a : n.get("activations")) {
                double c = a.get("binContains").asDouble();
                if (c >= 0 && a.get("binMin").asDouble() != lastMin) contains += c;
                lastMin = a.get("binMin").asDouble();
            }
            assertEquals(1.0, contains, 1e-9, "interval groups of feature " + f + " hold every nonzero activation");
            checked++;
        }
        assertTrue(checked > 40, "live features checked: " + checked);

        // sae.dashboards announced the completion once.
        List<String> events = readAll(DASHBOARDS);
        assertEquals(1, events.size());
        assertTrue(events.get(0).contains("\"sourceId\":\"" + source + "\""), events.get(0));
    }

    @Test
    @Order(2)
    void a_second_identical_event_does_no_work() throws Exception {
        ensureDashboard();
        String before = given().get("/api/jobs").asString();
        sendEvent(event(RUN_ID, 100, true, saeDir, sha, Map.of("mse", 0.5, "l0", 12.0, "fvu", 0.3)));
        // A marker event after it: once the marker's curve point exists, the duplicate has been consumed.
        sendEvent(event("marker-" + RUN, 7, false, saeDir, sha, Map.of("mse", 1.0)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String points = given().get("/api/runs/points").asString();
            assertTrue(points.contains("marker-" + RUN), points);
        });
        assertEquals(before, given().get("/api/jobs").asString());
        assertEquals(1, readAll(DASHBOARDS).size());
    }

    @Test
    @Order(3)
    void bad_input_gets_404_json_and_page_sizes_are_bounded() throws Exception {
        ensureDashboard();
        given().get("/api/feature/nope-000600/" + source + "/3")
                .then()
                .statusCode(404)
                .body("error", notNullValue());
        given().get("/api/feature/" + MODEL_ID + "/1-res-nope/3")
                .then()
                .statusCode(404)
                .body("error", notNullValue());
        given().get("/api/feature/" + MODEL_ID + "/" + source + "/" + N)
                .then()
                .statusCode(404)
                .body("error", notNullValue());
        given().get("/api/feature/" + MODEL_ID + "/" + source + "/abc")
                .then()
                .statusCode(404)
                .body("error", notNullValue());
        long id = given().get("/api/saes").jsonPath().getLong("[0].id");
        given().get("/api/saes/" + id + "/features?size=201")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().get("/api/saes/" + id + "/features?sort=bogus").then().statusCode(400);
        given().get("/api/saes/" + id + "/features?size=200")
                .then()
                .statusCode(200)
                .body("features", hasSize(N));
        JsonPath page = given().get("/api/saes/" + id + "/features?sort=max_act&size=10&page=1")
                .jsonPath();
        assertEquals(10, page.getList("features").size());
        assertEquals(7, page.getInt("pages"));
        List<Float> maxes = page.getList("features.maxAct");
        for (int i = 1; i < maxes.size(); i++) assertTrue(maxes.get(i - 1) >= maxes.get(i));
        // POST /api/features answers in request order; more than 100 is refused.
        String body = "[{\"modelId\":\"" + MODEL_ID + "\",\"layer\":\"" + source
                + "\",\"index\":\"5\",\"maxActsToReturn\":2}," + "{\"modelId\":\"" + MODEL_ID + "\",\"layer\":\""
                + source + "\",\"index\":\"3\"}]";
        JsonPath many = given().contentType("application/json")
                .body(body)
                .post("/api/features")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("5", many.getString("[0].index"));
        assertEquals("3", many.getString("[1].index"));
        assertTrue(many.getList("[0].activations").size() <= 2);
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 101; i++)
            big.append(i == 0 ? "" : ",").append("{\"modelId\":\"x\",\"layer\":\"y\",\"index\":\"1\"}");
        given().contentType("application/json")
                .body(big.append("]").toString())
                .post("/api/features")
                .then()
                .statusCode(400);
    }

    @Test
    @Order(4)
    void a_corrupt_checkpoint_fails_its_job_with_the_reason_and_serves_nothing() throws Exception {
        ensureDashboard();
        var dir = writeSae(checkpointRoot.resolve("bad-" + RUN).resolve("step-5"), 3);
        byte[] bytes = Files.readAllBytes(dir.resolve("sae_weights.safetensors"));
        Files.write(
                dir.resolve("sae_weights.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        String truncatedSha = dev.nanochat.sae.core.io.Digests.sha256(dir.resolve("sae_weights.safetensors"));
        CheckpointEvent bad = event("bad-" + RUN, 5, true, dir, truncatedSha, Map.of());
        sendEvent(bad);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/api/jobs")
                                .jsonPath()
                                .getList("findAll { it.checkpointId == '" + bad.id() + "' && it.status == 'FAILED' }")
                                .size()
                        == 1);
        String error =
                given().get("/api/jobs").jsonPath().getString("find { it.checkpointId == '" + bad.id() + "' }.error");
        assertTrue(error.contains("cannot be loaded"), error);
        assertEquals(1, given().get("/api/saes").jsonPath().getList("$").size());
        given().get("/api/feature/" + MODEL_ID + "/1-res-bad-" + RUN + "/3")
                .then()
                .statusCode(404);
        // A malformed event is dead-lettered and the consumer keeps going.
        send(CHECKPOINTS, "x", "not json".getBytes(), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> readAll(DLQ).size() == 1);
    }

    @Test
    @Order(5)
    void the_live_runtime_serves_an_analysed_sae_with_no_restart() throws Exception {
        ensureDashboard();
        // No runtime folder is configured in this test: the SAE comes from viz's own registry, loaded on demand
        // with the model its analysis used. Text = doc 2 of the sent activations, so its codes are rows of
        // denseCodes().
        float[] z = denseCodes();
        int[] doc = docs.get(2);
        int from = docs.get(0).length + docs.get(1).length;
        int f = -1;
        float best = 0;
        for (int j = 2; j < N; j++) {
            for (int t = 0; t < doc.length; t++) {
                if (z[(from + t) * N + j] > best) {
                    best = z[(from + t) * N + j];
                    f = j;
                }
            }
        }
        assertTrue(f >= 2, "some feature fires on doc 2");
        String body = JSON.writeValueAsString(
                Map.of("feature", Map.of("modelId", MODEL_ID, "source", source, "index", f), "customText", TEXT[2]));
        JsonNode r = JSON.readTree(given().contentType("application/json")
                .body(body)
                .post("/api/activation/new")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals(doc.length, r.get("values").size());
        assertEquals("<|bos|>", r.get("tokens").get(0).asText());
        int argmax = 0;
        for (int t = 0; t < doc.length; t++) {
            float want = z[(from + t) * N + f];
            assertEquals(want, r.get("values").get(t).floatValue(), 1e-4f, "feature " + f + " token " + t);
            if (want > z[(from + argmax) * N + f]) argmax = t;
        }
        assertEquals(best, r.get("maxValue").floatValue(), 1e-4f);
        assertEquals(argmax, r.get("maxValueTokenIndex").asInt());
        // The playground lists it; an SAE nobody analysed is a 400 naming it.
        long id = given().get("/api/saes").jsonPath().getLong("[0].id");
        given().get("/playground")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString("source: \"" + source + "\""))
                .body(org.hamcrest.Matchers.containsString("page: \"/saes/" + id + "/features/\""))
                .body(org.hamcrest.Matchers.containsString("<a href=\"/playground\">Playground</a>")); // viz's nav
        String unknown = JSON.writeValueAsString(Map.of(
                "feature", Map.of("modelId", MODEL_ID, "source", "9-res-nobody", "index", 0), "customText", "hi"));
        given().contentType("application/json")
                .body(unknown)
                .post("/api/activation/new")
                .then()
                .statusCode(400)
                .body(org.hamcrest.Matchers.containsString("9-res-nobody"));
        // densityThreshold over a registry SAE filters by the dashboards' own frac_nonzero.
        double[] density = new double[N];
        for (int j = 0; j < N; j++) {
            int fired = 0;
            for (int t = 0; t < totalTokens; t++) if (z[t * N + j] > 0) fired++;
            density[j] = (double) fired / totalTokens;
        }
        double[] sorted = density.clone();
        java.util.Arrays.sort(sorted);
        double threshold = sorted[N / 2]; // about half the features are denser
        JsonNode hits = JSON.readTree(given().contentType("application/json")
                .body(JSON.writeValueAsString(Map.of(
                        "modelId",
                        MODEL_ID,
                        "selectedLayers",
                        List.of(source),
                        "text",
                        TEXT[2],
                        "numResults",
                        100,
                        "densityThreshold",
                        threshold)))
                .post("/api/search-all")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        int denseFiring = 0;
        for (int j = 0; j < N; j++) if (density[j] > threshold) denseFiring++;
        assertTrue(denseFiring > 0 && hits.get("result").size() > 0);
        for (JsonNode h : hits.get("result")) {
            int j = h.get("index").asInt();
            assertTrue(density[j] <= threshold + 1e-12, "feature " + j + " density " + density[j] + " > " + threshold);
        }
    }

    @Test
    @Order(6)
    void the_evaluators_metrics_join_their_checkpoint_and_a_failure_never_replaces_them() throws Exception {
        ensureEvaluation();
        JsonPath saes = given().get("/api/saes").jsonPath();
        assertEquals("ok", saes.getString("[0].evaluation.status"));
        assertEquals(4096, saes.getInt("[0].evaluation.evalTokens"));
        assertEquals(0.21, saes.getDouble("[0].evaluation.metrics.fvu"), 1e-12);
        assertEquals(0.93, saes.getDouble("[0].evaluation.metrics.ce_loss_recovered"), 1e-12);
        assertEquals(0.3, saes.getDouble("[0].metrics.fvu"), 1e-12); // the training figure stays beside it
        long id = saes.getLong("[0].id");
        assertEquals(11.5, given().get("/api/saes/" + id).jsonPath().getDouble("evaluation.metrics.l0"), 1e-12);
        String page =
                given().get("/saes/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("over 4096 held-out tokens"), "the SAE page names the evaluation");

        // A later failed evaluation of the same checkpoint (a redelivery after a retry) does not replace it;
        // a malformed event is dead-lettered and the channel goes on: the next good event is stored.
        byte[] junk = ("evaluation junk " + RUN).getBytes();
        send(EVALUATIONS, RUN_ID, evaluationEvent("failed", Map.of()), Map.of());
        send(EVALUATIONS, RUN_ID, junk, Map.of());
        send(EVALUATIONS, RUN_ID, evaluationEvent("ok", Map.of("fvu", 0.2, "l0", 11.0)), Map.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/api/saes").jsonPath().getDouble("[0].evaluation.metrics.fvu") == 0.2);
        assertEquals("ok", given().get("/api/saes").jsonPath().getString("[0].evaluation.status"));
        assertEquals(
                1, readAll(DLQ).stream().filter(v -> v.equals(new String(junk))).count(), "junk dead-lettered once");
        send(EVALUATIONS, RUN_ID, evaluationEvent("ok", HELD_OUT), Map.of()); // leave it as the other tests expect
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/api/saes").jsonPath().getDouble("[0].evaluation.metrics.fvu") == 0.21);
    }

    /** The run's points from the API, by step. */
    static List<JsonNode> pointsOf(String run, String query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(given().get("/api/runs/points" + query)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .forEach(p -> {
                    if (run.equals(p.get("runId").asText())) out.add(p);
                });
        return out;
    }

    static Map<String, Double> stepMetrics(long step) {
        return Map.of("loss", 2.0 / step, "mse", 1.0 / step, "l0", 10.0 + step, "dead_fraction", 0.25);
    }

    @Test
    @Order(7)
    void progress_records_make_one_point_per_step_and_a_checkpoint_merges_into_its_step() throws Exception {
        ensureDashboard();
        String run = "steps-" + RUN;
        List<TrainingProgress> steps = new ArrayList<>();
        for (int step = 1; step <= 30; step++) steps.add(progress(run, step, stepMetrics(step)));
        sendProgress(steps);
        // A malformed record, then a duplicate of step 30: the duplicate is consumed (the channel goes on) and
        // adds nothing.
        byte[] junk = ("progress junk " + RUN).getBytes();
        send(PROGRESS, run, junk, Map.of());
        sendProgress(List.of(progress(run, 30, stepMetrics(30))));
        // Checkpoints at steps that have step points: 20, and the final one at 30. The final one is analysed and
        // fails at once (no such folder), which leaves the curve point alone.
        Path none = checkpointRoot.resolve(run).resolve("absent");
        String noSha = "0".repeat(64);
        sendEvent(event(run, 20, false, none, noSha, Map.of("mse", 1.0 / 20, "duplicates_skipped", 1.0)));
        sendEvent(event(run, 30, true, none, noSha, Map.of("mse", 1.0 / 30, "dlq_records", 2.0)));
        await().atMost(Duration.ofSeconds(60)).until(() -> pointsOf(run, "").stream()
                .anyMatch(p -> p.get("step").asLong() == 30 && p.get("final").asBoolean()));
        // A redelivered progress record after the checkpoint neither adds a point nor unflags it; a marker run
        // after it shows it was consumed.
        String marker = "steps-marker-" + RUN;
        sendProgress(List.of(progress(run, 30, stepMetrics(30)), progress(marker, 1, stepMetrics(1))));
        await().atMost(Duration.ofSeconds(60)).until(() -> !pointsOf(marker, "").isEmpty());

        List<JsonNode> points = pointsOf(run, "");
        assertEquals(30, points.size(), "one point per step");
        for (int i = 0; i < 30; i++) {
            JsonNode p = points.get(i);
            long step = i + 1;
            assertEquals(step, p.get("step").asLong());
            assertEquals(step * 4096, p.get("tokens").asLong());
            assertEquals(step == 30, p.get("final").asBoolean(), "step " + step);
            assertEquals(
                    step == 20 || step == 30 ? "checkpoint" : "step",
                    p.get("source").asText(),
                    "step " + step);
            JsonNode m = p.get("metrics");
            assertEquals(1.0 / step, m.get("mse").asDouble(), 0.0);
            assertEquals(2.0 / step, m.get("loss").asDouble(), 0.0, "the step's metrics stay");
            assertEquals(10.0 + step, m.get("l0").asDouble(), 0.0);
        }
        assertEquals(
                1.0, points.get(19).get("metrics").get("duplicates_skipped").asDouble(), "merged from checkpoint");
        assertEquals(2.0, points.get(29).get("metrics").get("dlq_records").asDouble(), "merged from checkpoint");
        assertTrue(points.get(10).get("metrics").get("dlq_records") == null);
        assertEquals(
                1, readAll(DLQ).stream().filter(v -> v.equals(new String(junk))).count(), "junk dead-lettered once");

        // The bound: at most maxPerRun points, checkpoints, first and last kept, every n-th of the rest
        // (30 points, 2 checkpoints, budget 10: every 4th from the first).
        List<Long> thinned = pointsOf(run, "?maxPerRun=10").stream()
                .map(p -> p.get("step").asLong())
                .toList();
        assertEquals(List.of(1L, 5L, 9L, 13L, 17L, 20L, 21L, 25L, 29L, 30L), thinned);
        given().get("/api/runs/points?maxPerRun=1").then().statusCode(400);
    }

    @Inject
    RunCurves curves;

    /**
     * A subscriber of the live stream that has not asked for more (an SSE connection still writing) is
     * buffered, not failed: a bare broadcast would drop it at the first point of a burst.
     */
    @Test
    @Order(8)
    void a_stream_subscriber_that_lags_behind_a_burst_gets_every_point() throws Exception {
        String run = "burst-" + RUN;
        AssertSubscriber<String> slow = curves.stream().subscribe().withSubscriber(AssertSubscriber.create(0));
        for (int step = 1; step <= 50; step++) curves.record(progress(run, step, stepMetrics(step)));
        slow.assertNotTerminated();
        slow.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(
                        50,
                        slow.getItems().stream().filter(i -> i.contains(run)).count()));
        List<Long> steps = new ArrayList<>();
        for (String i : slow.getItems()) {
            JsonNode p = JSON.readTree(i);
            if (run.equals(p.get("runId").asText())) steps.add(p.get("step").asLong());
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList(), steps, "in order");
        slow.assertNotTerminated();
        slow.cancel();
    }

    static List<String> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 4000;
            while (System.currentTimeMillis() < deadline)
                c.poll(Duration.ofMillis(400)).forEach(r -> out.add(r.value()));
        }
        return out;
    }
}

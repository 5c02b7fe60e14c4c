package dev.nanochat.sae.neuronpedia;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** sae.dashboards → package → archive → dry run → upload (twice: the second sends nothing), and bad input. */
@QuarkusTest
@QuarkusTestResource(NeuronpediaTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeuronpediaFlowTest {
    static final String SOURCE = "1-res-topk";

    @Test
    @Order(1)
    void aDashboardsEventBuildsThePackage() throws Exception {
        send(event("run1:10", NeuronpediaTestResource.sae, SOURCE));
        int id = await().atMost(Duration.ofSeconds(60)).until(() -> exportId("run1:10"), i -> i > 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(id).equals("READY"));
        JsonPath e = given().get("/api/exports/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(40, e.getInt("liveFeatures"));
        assertEquals(20, e.getInt("deadFeatures"));
        assertEquals(1.0, e.getDouble("progress"));
        List<String> files = e.getList("files.path");
        for (String f : List.of(
                "README.md",
                "metadata.json",
                "SHA256SUMS",
                "saelens/1-res-topk/cfg.json",
                "saelens/1-res-topk/sae_weights.safetensors",
                "saelens/1-res-topk/sparsity.safetensors",
                "dashboards/1-res-topk/batch-0.json",
                "dashboards/1-res-topk/skipped_indexes.json",
                "export/d2-000600/1-res-topk/features/batch-0.jsonl.gz",
                "export/d2-000600/1-res-topk/source.jsonl")) {
            assertTrue(files.contains(f), f + " in " + files);
        }
        byte[] archive = given().get("/api/exports/" + id + "/archive")
                .then()
                .statusCode(200)
                .contentType("application/gzip")
                .extract()
                .asByteArray();
        assertArrayEquals(Files.readAllBytes(Path.of(e.getString("packageDir") + ".tar.gz")), archive);
        // a redelivered event finds the existing export
        send(event("run1:10", NeuronpediaTestResource.sae, SOURCE));
        Thread.sleep(2000);
        given().get("/api/exports").then().body("findAll { it.checkpointId == 'run1:10' }.size()", equalTo(1));
    }

    @Test
    @Order(2)
    void dryRunThenUploadThenUploadAgainSendsEachFeatureOnce() {
        int id = exportId("run1:10");
        JsonPath dry = given().contentType(ContentType.JSON)
                .body("{\"dryRun\":true}")
                .post("/api/exports/" + id + "/upload")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertEquals("DONE", dry.getString("status"));
        assertEquals(List.of(), dry.getList("report.problems"));
        assertEquals(40, dry.getInt("report.features"));
        assertTrue(NeuronpediaTestResource.STATE.log.isEmpty(), "a dry run sends nothing");

        int up = given().contentType(ContentType.JSON)
                .body("{}")
                .post("/api/exports/" + id + "/upload")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getInt("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !uploadStatus(up).equals("RUNNING"));
        JsonPath u = given().get("/api/uploads/" + up)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("DONE", u.getString("status"), u.prettify());
        assertEquals(u.getInt("requestsTotal"), u.getInt("requestsDone"));
        assertEquals(u.getInt("requestsTotal"), u.getInt("report.sent"));
        assertEquals(40, NeuronpediaTestResource.STATE.featureInserts.size());

        int again = given().contentType(ContentType.JSON)
                .body("{}")
                .post("/api/exports/" + id + "/upload")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getInt("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !uploadStatus(again).equals("RUNNING"));
        JsonPath a = given().get("/api/uploads/" + again).then().extract().jsonPath();
        assertEquals("DONE", a.getString("status"));
        assertEquals(0, a.getInt("report.sent"), "progress in PostgreSQL: nothing is sent twice");
        NeuronpediaTestResource.STATE.featureInserts.forEach((k, n) -> assertEquals(1, n.get(), k));
        NeuronpediaTestResource.STATE.activations.forEach((k, acts) -> assertEquals(3, acts.size(), k));
    }

    @Test
    @Order(3)
    void badIdsAre400BeforeAnythingHappens() {
        int before = given().get("/api/exports")
                .then()
                .extract()
                .jsonPath()
                .getList("$")
                .size();
        given().contentType(ContentType.JSON)
                .body(
                        "{\"path\":\"" + NeuronpediaTestResource.sae
                                + "\",\"modelId\":\"d2-000600\",\"sourceId\":\"1-8x-topk\",\"hookName\":\"blocks.1.hook_resid_post\"}")
                .post("/api/exports")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("sourceId"))
                .body("detail", org.hamcrest.Matchers.containsString("start with a letter"));
        given().contentType(ContentType.JSON)
                .body("{\"path\":\"" + NeuronpediaTestResource.sae
                        + "\",\"modelId\":\"D2--x\",\"sourceId\":\"1-res\",\"hookName\":\"h\"}")
                .post("/api/exports")
                .then()
                .statusCode(400)
                .body("field", equalTo("modelId"));
        given().contentType(ContentType.JSON)
                .body("{\"path\":\"/etc\",\"modelId\":\"d2-000600\",\"sourceId\":\"1-res\",\"hookName\":\"h\"}")
                .post("/api/exports")
                .then()
                .statusCode(400)
                .body("field", equalTo("path"));
        assertEquals(
                before,
                given().get("/api/exports")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("$")
                        .size());
        given().contentType(ContentType.JSON)
                .body("{\"baseUrl\":\"ftp://x\"}")
                .post("/api/exports/" + exportId("run1:10") + "/upload")
                .then()
                .statusCode(400)
                .body("field", equalTo("baseUrl"));
    }

    @Test
    @Order(4)
    void aCheckpointWithoutDashboardsWaitsAndIsNeverUploaded() {
        int log = NeuronpediaTestResource.STATE.log.size();
        int id = given().contentType(ContentType.JSON)
                .body("{\"path\":\"" + NeuronpediaTestResource.saeWithoutDashboards
                        + "\",\"modelId\":\"d2-000600\",\"sourceId\":\"2-res-topk\","
                        + "\"hookName\":\"blocks.2.hook_resid_post\",\"checkpointId\":\"run2:10\"}")
                .post("/api/exports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getInt("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> status(id).equals("WAITING"));
        given().get("/api/exports/" + id).then().body("reason", org.hamcrest.Matchers.containsString("no dashboards"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/api/exports/" + id + "/upload")
                .then()
                .statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("never part of one"));
        given().get("/api/exports/" + id + "/archive").then().statusCode(409);
        assertEquals(log, NeuronpediaTestResource.STATE.log.size(), "nothing was uploaded");
    }

    @Test
    @Order(5)
    void aMalformedEventIsDeadLettered() throws Exception {
        send("{\"type\":\"dev.nanochat.sae.dashboards\",\"id\":\"x\",\"data\":{\"modelId\":\"d2-000600\"}}"
                .getBytes(StandardCharsets.UTF_8));
        send(event("run3:1", NeuronpediaTestResource.sae, "1-8x-topk"));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, NeuronpediaTestResource.BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + NeuronpediaTestResource.RUN);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AtomicInteger letters = new AtomicInteger();
        StringBuilder reasons = new StringBuilder();
        try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(NeuronpediaTestResource.DLQ));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(r -> {
                    letters.incrementAndGet();
                    r.headers().forEach(h -> reasons.append(h.key())
                            .append('=')
                            .append(new String(h.value(), StandardCharsets.UTF_8))
                            .append('\n'));
                });
                return letters.get() >= 2;
            });
        }
        assertTrue(reasons.toString().contains("data.checkpointId"), reasons.toString());
        assertTrue(reasons.toString().contains("start with a letter"), reasons.toString());
        assertFalse(given().get("/api/exports")
                .then()
                .extract()
                .jsonPath()
                .getList("checkpointId")
                .contains("run3:1"));
    }

    static byte[] event(String checkpointId, Path sae, String sourceId) {
        return ("{\"specversion\":\"1.0\",\"type\":\"dev.nanochat.sae.dashboards\",\"source\":\"/viz\",\"id\":\""
                        + checkpointId
                        + "\",\"data\":{\"checkpointId\":\"" + checkpointId
                        + "\",\"runId\":\"run1\",\"step\":10,\"final\":true,"
                        + "\"modelId\":\"d2-000600\",\"sourceId\":\"" + sourceId
                        + "\",\"hookName\":\"blocks.1.hook_resid_post\","
                        + "\"architecture\":\"topk\",\"dSae\":60,\"path\":\"" + sae + "\",\"features\":60}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void send(byte[] value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, NeuronpediaTestResource.BOOTSTRAP);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(NeuronpediaTestResource.DASHBOARDS, "run1", value))
                    .get();
        }
    }

    static int exportId(String checkpointId) {
        List<Integer> ids = given().get("/api/exports")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("findAll { it.checkpointId == '" + checkpointId + "' }.id");
        return ids.isEmpty() ? -1 : ids.get(0);
    }

    static String status(int id) {
        return given().get("/api/exports/" + id).then().extract().jsonPath().getString("status");
    }

    static String uploadStatus(int id) {
        return given().get("/api/uploads/" + id).then().extract().jsonPath().getString("status");
    }
}

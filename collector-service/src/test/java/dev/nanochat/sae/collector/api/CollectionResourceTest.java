package dev.nanochat.sae.collector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.collector.service.CollectionManager;
import dev.nanochat.sae.collector.store.CollectionRepository;
import dev.nanochat.sae.collector.support.TestData;
import dev.nanochat.sae.collector.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CollectionResourceTest {
    static final String D2_TOPIC = "sae.activations.d2-000600.";

    @Inject
    CollectionManager manager;

    @Inject
    CollectionRepository repository;

    @BeforeAll
    static void files() {
        TestData.create();
    }

    static String body(String corpus, String hooks, String extra) {
        return "{\"model\":{\"baseDir\":\"nanochat-d2\"},\"hooks\":[" + hooks + "],\"corpus\":{\"paths\":[\"" + corpus
                + "\"]},\"contextSize\":64" + extra + "}";
    }

    static String post(String json) {
        return given().contentType(ContentType.JSON)
                .body(json)
                .post("/api/collections")
                .then()
                .statusCode(202)
                .header("Location", containsString("/api/collections/"))
                .extract()
                .path("id");
    }

    static ValidatableResponse get(String id) {
        return given().get("/api/collections/" + id).then().statusCode(200);
    }

    static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(get(id).extract().path("status")));
    }

    @Test
    void a_collection_completes_and_reports_tokens_records_and_offsets_per_topic() {
        String id = post(body(
                "moby-dick-ch1.txt",
                "\"blocks.0.hook_resid_post\",\"blocks.1.hook_mlp_out\"",
                ",\"evalFraction\":0.2,\"seed\":7"));
        awaitStatus(id, "COMPLETED");
        ValidatableResponse r = get(id).body("modelId", equalTo("d2-000600"))
                .body("tokens", greaterThan(1000))
                .body("evalTokens", greaterThan(0))
                .body("documents", equalTo(9))
                .body("offsets", hasKey(D2_TOPIC + "blocks.0.hook_resid_post"))
                .body("offsets", hasKey(D2_TOPIC + "blocks.1.hook_mlp_out"))
                .body("etaSeconds", equalTo(0.0f));
        int tokens = r.extract().path("tokens");
        int records = r.extract().path("records");
        int nextSequence = r.extract().path("position.nextSequence");
        assertEquals(2 * nextSequence, records);
        var received = TopicReader.read(D2_TOPIC + "blocks.1.hook_mlp_out", id);
        assertEquals(nextSequence, received.size());
        assertEquals(tokens, received.stream().mapToInt(x -> x.batch().rows()).sum());
        given().get("/api/collections").then().statusCode(200).body("id", hasItem(id));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("sae_collector_tokens_total"))
                .body(containsString("sae_collector_bytes_total"));
    }

    @Test
    void invalid_utf8_lines_are_counted_and_skipped() {
        String id = post(body("with-invalid-utf8.txt", "\"blocks.1.hook_resid_post\"", ""));
        awaitStatus(id, "COMPLETED");
        get(id).body("invalidUtf8Skipped", equalTo(TestData.INVALID_LINES)).body("documents", equalTo(9));
    }

    @Test
    void delete_cancels_a_running_collection_then_409_and_404() {
        String id = post(body("moby-x40.txt", "\"blocks.0.hook_resid_post\"", ""));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "RUNNING".equals(get(id).extract().path("status")));
        given().delete("/api/collections/" + id).then().statusCode(202);
        awaitStatus(id, "CANCELLED");
        given().delete("/api/collections/" + id).then().statusCode(409).contentType("application/problem+json");
        given().delete("/api/collections/nope")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("nope"));
    }

    @Test
    void a_stopped_collector_resumes_from_the_database_position_without_losing_records() {
        String id = post(body("moby-x40.txt", "\"blocks.1.hook_attn_out\"", ",\"maxTokens\":30000"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ((Number) get(id).extract().path("tokens")).intValue() > 3000);
        manager.stopRunner(id); // what a kill leaves behind: a non-terminal row and its last persisted position
        await().atMost(Duration.ofSeconds(30)).until(() -> !manager.active(id));
        ValidatableResponse stopped = get(id).body("status", equalTo("RUNNING"));
        int resumeTokens = stopped.extract().path("tokens");
        assertTrue(resumeTokens < 30000, "stopped before the end: " + resumeTokens);

        manager.resume(repository.byId(id).orElseThrow());
        awaitStatus(id, "COMPLETED");
        int next = get(id).body("tokens", equalTo(30000)).extract().path("position.nextSequence");
        Set<Long> sequences = new TreeSet<>();
        long rows = 0;
        for (var r : TopicReader.read(D2_TOPIC + "blocks.1.hook_attn_out", id)) {
            if (sequences.add(r.batch().sequence())) {
                rows += r.batch().rows();
            }
        }
        assertEquals(next, sequences.size(), "every sequence 0.." + (next - 1) + " present");
        assertEquals(
                (long) next - 1,
                sequences.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertEquals(30000, rows);
    }

    @Test
    void bad_requests_are_problem_json_400_naming_the_problem() {
        Map<String, List<String>> cases = Map.of(
                body("moby-dick-ch1.txt", "\"blocks.0.hook_banana\"", ""), List.of("hooks[0]", "banana"),
                body("moby-dick-ch1.txt", "\"blocks.7.hook_resid_post\"", ""), List.of("hooks[0]", "7"),
                body("../../pom.xml", "\"blocks.0.hook_resid_post\"", ""), List.of("corpus.paths[0]", "'..'"),
                body("escape.txt", "\"blocks.0.hook_resid_post\"", ""),
                        List.of("corpus.paths[0]", "'escape.txt' is not a readable path under"),
                body("no-such-file.txt", "\"blocks.0.hook_resid_post\"", ""),
                        List.of("corpus.paths[0]", "'no-such-file.txt' is not a readable path under"),
                body("broken.txt.gz", "\"blocks.0.hook_resid_post\"", ""), List.of("corpus.paths", "unreadable corpus"),
                body("moby-dick-ch1.txt", "\"blocks.0.hook_resid_post\"", ",\"contextSize\":4096"),
                        List.of("contextSize", "4096"),
                body("moby-dick-ch1.txt", "\"blocks.0.hook_resid_post\"", ",\"dtype\":\"bf16\""),
                        List.of("dtype", "bf16"),
                body("moby-dick-ch1.txt", "\"blocks.0.hook_resid_post\"", ",\"evalFraction\":1.5"),
                        List.of("evalFraction", "1.5"),
                body("moby-dick-ch1.txt", "", ""), List.of("hooks", "at least one"));
        cases.forEach((json, expect) -> {
            try {
                given().contentType(ContentType.JSON)
                        .body(json)
                        .post("/api/collections")
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("status", equalTo(400))
                        .body("field", equalTo(expect.get(0)))
                        .body("detail", containsString(expect.get(1)));
            } catch (AssertionError e) {
                throw new AssertionError("request " + json + ": " + e.getMessage(), e);
            }
        });
        String corrupt = "{\"model\":{\"baseDir\":\"corrupt\"},\"hooks\":[\"blocks.0.hook_resid_post\"],"
                + "\"corpus\":{\"paths\":[\"moby-dick-ch1.txt\"]}}";
        given().contentType(ContentType.JSON)
                .body(corrupt)
                .post("/api/collections")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("model"))
                .body("detail", containsString("model_000600.pt"));
        String outsideModel = corrupt.replace("\"corrupt\"", "\"../test-models/corrupt\"");
        given().contentType(ContentType.JSON)
                .body(outsideModel)
                .post("/api/collections")
                .then()
                .statusCode(400)
                .body("field", equalTo("model.baseDir"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/collections")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void openapi_and_health_are_served() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/collections"));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("kafka"))
                .body("checks.name", hasItem("model-roots"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
    }
}

package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.support.test.ApiAuth;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pause, resume and stop of a continuous run, and the server-sent metrics stream. */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class RunControlTest {
    @TestHTTPResource("/api/runs")
    URL runs;

    @Test
    void a_continuous_run_pauses_resumes_and_stops_with_exact_counts() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.ctl");
        ActivationTopics.create(topic, 2);
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 3);
        try (ActivationTopics p = new ActivationTopics()) {
            long first = p.produceTrain(topic, 2, data, 20, 100);
            String id = Runs.create(Runs.request(topic, null, 1_000_000));
            await().atMost(Duration.ofSeconds(60)).until(() -> Runs.get(id).getLong("tokensTrained") == first);

            given().post("/api/runs/" + id + "/pause").then().statusCode(200);
            JsonPath paused = Runs.awaitStatus(id, "PAUSED", Duration.ofSeconds(30));
            assertEquals(first, paused.getLong("tokensCheckpointed"), "pausing checkpoints everything consumed");
            long second = p.produceTrain(topic, 2, data, 10, 100);
            Thread.sleep(2000);
            assertEquals(first, Runs.get(id).getLong("tokensTrained"), "a paused run does not train");

            given().post("/api/runs/" + id + "/resume").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> Runs.get(id).getLong("tokensTrained") == first + second);
            assertEquals("RUNNING", Runs.get(id).getString("status"));

            given().post("/api/runs/" + id + "/stop").then().statusCode(200);
            JsonPath stopped = Runs.awaitStatus(id, "STOPPED", Duration.ofSeconds(30));
            assertEquals(first + second, stopped.getLong("tokensCheckpointed"));
            List<Boolean> finals = given().get("/api/runs/" + id + "/checkpoints")
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("isFinal", Boolean.class);
            assertEquals(List.of(false, true), finals, "pause checkpoint, then the final one at stop");
            given().post("/api/runs/" + id + "/resume").then().statusCode(409);
        }
    }

    @Test
    void the_event_stream_reports_progress_until_the_run_completes() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.sse");
        ActivationTopics.create(topic, 1);
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 4);
        int chunks = 3, recordsPerChunk = 60, rows = 256;
        long produced = (long) chunks * recordsPerChunk * rows;
        // The stream is opened before any data exists and the data arrives with pauses, so the run
        // makes progress while the client listens however fast this machine trains.
        String id = Runs.create(Runs.request(topic, produced, 10_000));
        HttpRequest request = HttpRequest.newBuilder(URI.create(runs + "/" + id + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", ApiAuth.bearer(ApiAuth.READ_TOKEN))
                .build();
        HttpResponse<java.io.InputStream> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
        ObjectMapper json = new ObjectMapper();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        events.add(json.readTree(line.substring(5)));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        reader.start();
        try (ActivationTopics p = new ActivationTopics()) {
            for (int c = 0; c < chunks; c++) {
                p.produceTrain(topic, 1, data, recordsPerChunk, rows);
                Thread.sleep(3000);
            }
        }
        reader.join(120_000);
        assertFalse(reader.isAlive(), "the stream ends when the run completes");
        JsonNode last = events.get(events.size() - 1);
        assertEquals("COMPLETED", last.get("status").asText(), "the stream ends with the completed run");
        assertEquals(produced, last.get("tokensCheckpointed").asLong());
        assertTrue(events.size() >= 3, "several progress events, got " + events.size());
        assertTrue(
                events.stream()
                        .anyMatch(e ->
                                e.hasNonNull("loss") && e.get("tokensTrained").asLong() > 0),
                "events carry training metrics");
    }
}

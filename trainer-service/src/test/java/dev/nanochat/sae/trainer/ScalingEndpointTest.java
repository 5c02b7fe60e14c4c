package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /scaling, what KEDA polls, on the real broker and database: its lag is exactly the records the
 * runs' consumer groups have not committed, and it falls as training consumes (and checkpoints) them.
 * Own profile: a fresh app, so a fresh control topic and runs table hold only this test's runs.
 */
@QuarkusTest
@TestProfile(ScalingEndpointTest.Fresh.class)
@QuarkusTestResource(TrainerTestResource.class)
class ScalingEndpointTest {
    public static class Fresh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sae.trainer.scaling.lag-threshold",
                    "10",
                    "sae.trainer.scaling.runs-per-trainer",
                    "2",
                    "sae.trainer.scaling.cache-ms",
                    "0");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/scaling")
    URL scaling;

    /** Polled like KEDA does: no token. */
    private JsonNode poll() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(scaling.toString()))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<Long> figures(JsonNode d) {
        return List.of(
                d.get("totalLag").asLong(),
                d.get("unfinishedRuns").asLong(),
                d.get("runsBehind").asLong(),
                d.get("desiredTrainers").asLong());
    }

    @Test
    void lag_is_the_uncommitted_records_of_the_runs_and_falls_as_they_train() throws Exception {
        assertEquals(List.of(0L, 0L, 0L, 0L), figures(poll()), "no runs, no demand");
        String topicA = ActivationTopics.uniqueTopic("sae.activations.lag-a");
        String topicB = ActivationTopics.uniqueTopic("sae.activations.lag-b");
        ActivationTopics.create(topicA, 2);
        ActivationTopics.create(topicB, 1);
        String a = Runs.create(Runs.request(topicA, null, 256));
        String b = Runs.create(Runs.request(topicB, null, 256));
        Runs.awaitStatus(a, "RUNNING", Duration.ofSeconds(60));
        Runs.awaitStatus(b, "RUNNING", Duration.ofSeconds(60));
        assertEquals(List.of(0L, 2L, 0L, 0L), figures(poll()), "two running runs on empty topics");

        // Paused, the runs consume nothing: every record produced now waits in their groups' lag.
        for (String id : List.of(a, b)) {
            given().post("/api/runs/" + id + "/pause").then().statusCode(200);
            Runs.awaitStatus(id, "PAUSED", Duration.ofSeconds(30));
        }
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 5);
        int rows = 128;
        try (ActivationTopics p = new ActivationTopics()) {
            p.produceTrain(topicA, 2, data, 30, rows);
            p.produceTrain(topicB, 1, data, 12, rows);
        }
        assertEquals(
                List.of(42L, 2L, 0L, 0L),
                figures(poll()),
                "30 + 12 records waiting; paused runs ask for no trainer however far behind");

        // Resumed, run A trains its 30 records and commits them at its checkpoints: its share of the lag
        // goes; run B's 12 stay until it resumes too. Every poll on the way is consistent: A is behind
        // exactly while its lag (totalLag - 12) is at least the threshold 10, and one trainer is wanted
        // then (ceil(1 / 2)); right after the resume nothing is committed yet, so A is seen behind.
        given().post("/api/runs/" + a + "/resume").then().statusCode(200);
        int sawBehind = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (JsonNode d = poll(); d.get("totalLag").asLong() != 12; d = poll()) {
            long lagA = d.get("totalLag").asLong() - 12;
            int behind = lagA >= 10 ? 1 : 0;
            assertEquals(
                    List.of(behind, behind),
                    List.of(
                            d.get("runsBehind").asInt(),
                            d.get("desiredTrainers").asInt()),
                    "A's lag " + lagA + ": " + d);
            sawBehind += behind;
            if (System.nanoTime() > deadline) throw new AssertionError("A's lag never drained: " + d);
            Thread.sleep(100);
        }
        assertTrue(sawBehind > 0, "A was seen behind while it drained its 30 records");
        assertEquals(30L * rows, Runs.get(a).getLong("tokensCheckpointed"), "lag fell because A checkpointed all 30");
        assertEquals(List.of(12L, 2L, 0L, 0L), figures(poll()), "B's 12 records, B still paused");

        given().post("/api/runs/" + b + "/resume").then().statusCode(200);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> poll().get("totalLag").asLong() == 0);
        assertEquals(12L * rows, Runs.get(b).getLong("tokensCheckpointed"));

        given().post("/api/runs/" + a + "/stop").then().statusCode(200);
        Runs.awaitStatus(a, "STOPPED", Duration.ofSeconds(30));
        assertEquals(1L, poll().get("unfinishedRuns").asLong(), "a stopped run leaves the demand");
    }
}

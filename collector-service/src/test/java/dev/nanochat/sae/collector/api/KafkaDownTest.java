package dev.nanochat.sae.collector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collector started while nothing listens at the Kafka address. */
@QuarkusTest
@TestProfile(KafkaDownTest.NoBroker.class)
class KafkaDownTest {
    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:1");
        }
    }

    @Test
    void a_collection_waits_and_says_so_then_can_be_cancelled() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"model\":{\"baseDir\":\"nanochat-d2\"},\"hooks\":[\"blocks.0.hook_resid_post\"],"
                        + "\"corpus\":{\"paths\":[\"moby-dick-ch1.txt\"]}}")
                .post("/api/collections")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "WAITING_FOR_KAFKA"
                .equals(given().get("/api/collections/" + id).then().extract().path("status")));
        given().get("/api/collections/" + id)
                .then()
                .body("message", containsString("127.0.0.1:1"))
                .body("tokens", equalTo(0));
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'kafka' }.status", equalTo("DOWN"));
        given().delete("/api/collections/" + id).then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "CANCELLED"
                .equals(given().get("/api/collections/" + id).then().extract().path("status")));
    }
}

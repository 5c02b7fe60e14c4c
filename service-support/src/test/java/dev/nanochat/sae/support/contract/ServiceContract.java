package dev.nanochat.sae.support.contract;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every service promises, checked in each one by a {@code @QuarkusTest} subclass: health,
 * Prometheus metrics and OpenAPI are served, and the shared ProblemMapper gives the same status and
 * the same problem+json body for the same exception (so a client handles errors once, for all).
 */
public abstract class ServiceContract {
    /** Probe → expected status and body; identical for every service by construction of this table. */
    static final Map<String, Map<String, Object>> EXPECTED = new LinkedHashMap<>();

    static {
        expect("illegal-argument", 400, "Bad Request", "batchTokens must be positive, got 0", null);
        expect("field", 400, "Bad Request", "no hook 'blocks.9.x'", "hooks[0]");
        expect("jaxrs-not-found", 404, "Not Found", "no run with id 'r1'", null);
        expect("no-such-element", 404, "Not Found", "no collection with id c1", null);
        expect("conflict", 409, "Conflict", "run r1 is COMPLETED; it cannot be PAUSED", null);
        expect("busy", 503, "Service Unavailable", "all 2 runner slots are busy", null);
        expect("illegal-state", 500, "Internal Server Error", "broker lost", null);
    }

    private static void expect(String probe, int status, String title, String detail, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        EXPECTED.put(probe, body);
    }

    @Test
    void health_metrics_and_openapi_are_served() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health")
                .then()
                .contentType("application/json")
                .body("status", anyOf(equalTo("UP"), equalTo("DOWN")));
        // Prometheus text format, with the JVM binder every Micrometer service has.
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE jvm_memory_used_bytes gauge"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("openapi: 3"));
    }

    @Test
    void the_shared_mapper_gives_the_same_status_and_body_for_the_same_exception() {
        EXPECTED.forEach((probe, body) -> {
            Response r = given().get("/test/problems/" + probe);
            assertEquals(body.get("status"), r.statusCode(), probe);
            assertEquals("application/problem+json", r.contentType(), probe);
            assertEquals(body, r.jsonPath().getMap("$"), probe);
        });
    }

    @Test
    void malformed_json_is_a_problem_too() {
        given().contentType("application/json")
                .body("{\"value\": ")
                .post("/test/problems/json")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"));
        given().contentType("application/json")
                .body("{\"value\": 3}")
                .post("/test/problems/json")
                .then()
                .statusCode(200)
                .body(equalTo("value 3"));
    }
}

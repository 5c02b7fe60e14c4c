package dev.nanochat.sae.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.support.test.ApiAuth;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Authentication as service-support configures it for every service, seen on the trainer's API with a
 * plain HTTP client (not RestAssured, which the shared callback gives the operator token): no or a
 * wrong token is 401 with a Bearer challenge, the read role may read but not start (403), the operator
 * role may start, health stays open, and an oversized body is refused before any resource runs.
 */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class ApiAuthTest {
    @TestHTTPResource("/")
    URL root;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path.substring(1)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", ApiAuth.bearer(token));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tokens_and_roles_are_enforced() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/api/runs", null, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(
                401, send("GET", "/api/runs", "not-a-token-of-ours-123", null).statusCode());
        assertEquals(401, send("POST", "/api/runs", null, "{}").statusCode());

        assertEquals(200, send("GET", "/api/runs", ApiAuth.READ_TOKEN, null).statusCode());
        assertEquals(403, send("POST", "/api/runs", ApiAuth.READ_TOKEN, "{}").statusCode(), "read may not start a run");
        assertEquals(
                403,
                send("POST", "/api/runs/some-id/stop", ApiAuth.READ_TOKEN, null).statusCode(),
                "nor stop one");

        // The operator passes authentication; the empty request is then the resource's 400.
        HttpResponse<String> bad = send("POST", "/api/runs", ApiAuth.OPERATOR_TOKEN, "{}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals(200, send("GET", "/q/health/live", null, null).statusCode(), "probes need no token");

        String huge = "{\"pad\":\"" + "x".repeat(2 << 20) + "\"}";
        assertEquals(
                413, send("POST", "/api/runs", ApiAuth.OPERATOR_TOKEN, huge).statusCode());
    }
}

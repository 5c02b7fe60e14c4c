package dev.nanochat.sae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Minimal JSON-over-HTTP client for the services; a 4xx/5xx becomes an error carrying the problem detail.
 * Sends {@code Authorization: Bearer <token>} when a token is given (the services require one on /api).
 */
final class RestClient {
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final String token;

    RestClient(Duration timeout, String token) {
        this.timeout = timeout;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    JsonNode get(String url) throws IOException, InterruptedException {
        return send(request(url).GET().build());
    }

    JsonNode post(String url, JsonNode body) throws IOException, InterruptedException {
        return send(request(url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IOException(
                    request.method() + " " + request.uri() + " → " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
    }
}

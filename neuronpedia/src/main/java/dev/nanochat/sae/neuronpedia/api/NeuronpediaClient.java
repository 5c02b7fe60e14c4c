package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neuronpedia's HTTP API over java.net.http: JSON POSTs with {@code x-api-key}, retries per
 * {@link RetryPolicy}, and the read route for a feature's explanations.
 *
 * <p>Design: the base URL is the site root without {@code /api} and without a trailing slash (one
 * gets a 308 there). A POST that may have reached the server before failing (connection dropped, 500,
 * 502, 504) is retried only after the caller's {@code applied} probe says the server did not apply
 * it, so a retry never duplicates activations. Log lines carry method, route, status and attempt; never
 * headers or bodies, so the key cannot appear in them.
 */
public final class NeuronpediaClient {
    private static final Logger LOG = LoggerFactory.getLogger(NeuronpediaClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final ApiKey key;
    private final RetryPolicy retry;
    private final HttpClient http;
    /** Bearer token for a SAE service's read API (viz-service guards /api); null for Neuronpedia itself. */
    private final String bearer;

    /** {@code key} may be null for a client that only reads. */
    public NeuronpediaClient(String baseUrl, ApiKey key, RetryPolicy retry) {
        this(baseUrl, key, retry, null);
    }

    /**
     * A reader of a SAE service (viz-service) that requires {@code Authorization: Bearer}; a null or
     * blank token sends no header.
     */
    public NeuronpediaClient(String baseUrl, ApiKey key, RetryPolicy retry, String bearerToken) {
        this.baseUrl = normalise(baseUrl);
        this.key = key;
        this.retry = retry;
        this.bearer = bearerToken == null || bearerToken.isBlank() ? null : bearerToken.strip();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Strips trailing slashes; refuses a URL that already ends in /api or is not http(s). */
    public static String normalise(String baseUrl) {
        String u = baseUrl == null ? "" : baseUrl.strip();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        if (!u.startsWith("http://") && !u.startsWith("https://"))
            throw new IllegalArgumentException(
                    "Neuronpedia base URL must start with http:// or https://, got '" + baseUrl + "'");
        if (u.endsWith("/api"))
            throw new IllegalArgumentException(
                    "Neuronpedia base URL is the site root, without /api: got '" + baseUrl + "'");
        URI.create(u);
        return u;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** POSTs without a probe: every ambiguous failure is treated as "not applied". */
    public JsonNode post(String route, byte[] body) {
        return post(route, body, () -> false);
    }

    /**
     * POSTs {@code body} (JSON) to {@code route}; returns the parsed answer (or an empty object). When
     * {@code applied} returns true before a retry, the call is taken as done and null is returned.
     */
    public JsonNode post(String route, byte[] body, BooleanSupplier applied) {
        int fiveHundreds = 0;
        for (int attempt = 1; ; attempt++) {
            HttpRequest req = withKey(HttpRequest.newBuilder(URI.create(baseUrl + route))
                            .timeout(Duration.ofMinutes(2))
                            .header("content-type", "application/json"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.warn(
                        "POST {} attempt {}/{}: {}",
                        route,
                        attempt,
                        retry.maxAttempts(),
                        e.getClass().getSimpleName());
                if (attempt >= retry.maxAttempts())
                    throw new NeuronpediaException(
                            "POST " + route + ": " + baseUrl + " unreachable after " + attempt + " attempts",
                            0,
                            "",
                            false,
                            e);
                pause(retry.backoff(attempt));
                if (probe(applied, route)) return null;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NeuronpediaException("POST " + route + " interrupted", 0, "", false, e);
            }
            int s = res.statusCode();
            LOG.info("POST {} → {} (attempt {}, {} bytes)", route, s, attempt, body.length);
            if (s >= 200 && s < 300) return parse(res.body());
            boolean retriable = s == 429
                    || s == 502
                    || s == 503
                    || s == 504
                    || (s == 500 && fiveHundreds++ < retry.max500Retries());
            if (!retriable || attempt >= retry.maxAttempts()) throw failure("POST " + route, s, res.body(), !retriable);
            Optional<Duration> after = retryAfter(res);
            pause(after.map(retry::cap).orElse(retry.backoff(attempt)));
            // 429 and 503 are answered before the route runs; the others may have applied the write
            if (s != 429 && s != 503 && probe(applied, route)) return null;
        }
    }

    /** Reads need no key (viz-service, public Neuronpedia features): a null key sends no header. */
    private HttpRequest.Builder withKey(HttpRequest.Builder b) {
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return key == null ? b : b.header("x-api-key", key.reveal());
    }

    private boolean probe(BooleanSupplier applied, String route) {
        boolean done = applied.getAsBoolean();
        if (done) LOG.info("POST {}: the server already holds this write; not sending it again", route);
        return done;
    }

    /**
     * {@code GET /api/feature/{modelId}/{source}/{index}}: the feature, or empty on 404. Retries like
     * POST (reads are idempotent).
     */
    public Optional<JsonNode> feature(String modelId, String source, int index) {
        String route = "/api/feature/" + modelId + "/" + source + "/" + index;
        for (int attempt = 1; ; attempt++) {
            HttpRequest req = withKey(
                            HttpRequest.newBuilder(URI.create(baseUrl + route)).timeout(Duration.ofMinutes(1)))
                    .GET()
                    .build();
            try {
                HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int s = res.statusCode();
                LOG.debug("GET {} → {}", route, s);
                if (s == 200) {
                    JsonNode n = parse(res.body());
                    return n == null || n.isNull() || n.isEmpty() ? Optional.empty() : Optional.of(n);
                }
                if (s == 404) return Optional.empty();
                boolean retriable = s == 429 || s >= 500;
                if (!retriable || attempt >= retry.maxAttempts())
                    throw failure("GET " + route, s, res.body(), !retriable);
                pause(retryAfter(res).map(retry::cap).orElse(retry.backoff(attempt)));
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts())
                    throw new NeuronpediaException("GET " + route + ": " + baseUrl + " unreachable", 0, "", false, e);
                pause(retry.backoff(attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NeuronpediaException("GET " + route + " interrupted", 0, "", false, e);
            }
        }
    }

    /** The explanation texts of a feature (empty when it or they do not exist). */
    public List<String> explanations(String modelId, String source, int index) {
        List<String> out = new ArrayList<>();
        feature(modelId, source, index).ifPresent(f -> f.path("explanations").forEach(e -> {
            if (e.path("description").isTextual()) out.add(e.get("description").asText());
        }));
        return out;
    }

    static Optional<Duration> retryAfter(HttpResponse<?> res) {
        Optional<String> h = res.headers().firstValue("retry-after");
        if (h.isEmpty()) return Optional.empty();
        String v = h.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException unparseable) {
                return Optional.empty();
            }
        }
    }

    private void pause(Duration d) {
        try {
            retry.sleeper().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NeuronpediaException("interrupted while backing off", 0, "", false, e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return JSON.createObjectNode();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("text", body);
        }
    }

    private static NeuronpediaException failure(String call, int status, String body, boolean permanent) {
        String detail = body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "…" : body;
        String hint =
                switch (status) {
                    case 400 -> " (rejected by validation)";
                    case 401, 403 -> " (check NEURONPEDIA_API_KEY; for a SAE service's read API, its bearer token)";
                    case 413 -> " (request body too large: lower the batch byte limit)";
                    case 500 -> " (Neuronpedia's opaque error: unknown source, duplicate index, not the source set's creator, or bad JSON)";
                    default -> "";
                };
        return new NeuronpediaException(
                call + " failed with " + status + hint + ": " + detail, status, body, permanent, null);
    }
}

package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Neuronpedia's write API on loopback (JDK HttpServer), behaving as its source
 * does (neuronpedia.md): x-api-key required; yup-like validation (null optional field → 400 {error,
 * path}, "" token → 400); opaque 500 for a duplicate index, a tokens/values mismatch, an unknown
 * source or a caller who is not the creator; 413 (plain text) past the body cap; 308 on a trailing
 * slash. Re-sending a batch keeps the first feature row but inserts its activations again, like the
 * real one, so a test can see duplicates. Creating a model or source set that exists is a 400 with
 * the real routes' messages ("Model already exists", "Source set name already exists for this
 * model."), never a second row. {@link State} outlives a server, so a test can kill one
 * mid-upload and start another on the same data.
 */
public final class FakeNeuronpedia implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the server holds; shared across restarts. */
    public static final class State {
        public final Map<String, String> models = new ConcurrentHashMap<>();
        public final Map<String, String> sourceSets = new ConcurrentHashMap<>();
        /** "model/source/index" → how many times the feature row was inserted (1 = once; re-sends keep the first). */
        public final Map<String, AtomicInteger> featureInserts = new ConcurrentHashMap<>();

        public final Map<String, List<JsonNode>> activations = new ConcurrentHashMap<>();
        public final Map<String, List<String>> explanations = new ConcurrentHashMap<>();
        /** Every request: "METHOD route status". */
        public final List<String> log = Collections.synchronizedList(new ArrayList<>());

        public final AtomicInteger appliedBatches = new AtomicInteger();
    }

    public final State state;
    private final String key;
    private final int maxBody;
    private final HttpServer server;
    /** Scripted answers per route, consumed before the route runs: status, or status*1000+retryAfterSeconds+1. */
    private final Map<String, Deque<int[]>> faults = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** After applying this many upload batches (counted in state), drop the connection and stop. 0 = never. */
    private volatile int killAfterAppliedBatches;

    public FakeNeuronpedia(State state, String key, int maxBody) throws IOException {
        this.state = state;
        this.key = key;
        this.maxBody = maxBody;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answer the {@code n}-th call (1-based) of {@code route} with {@code status} (and a Retry-After, or -1 for none). */
    public FakeNeuronpedia fault(String route, int n, int status, int retryAfterSeconds) {
        faults.computeIfAbsent(route, r -> new ArrayDeque<>()).add(new int[] {n, status, retryAfterSeconds});
        return this;
    }

    public FakeNeuronpedia killAfter(int appliedBatches) {
        killAfterAppliedBatches = appliedBatches;
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String route = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        try {
            if (route.endsWith("/") && route.length() > 1) {
                ex.getResponseHeaders().add("location", route.substring(0, route.length() - 1));
                answer(ex, 308, "", method, route);
                return;
            }
            if (!key.equals(ex.getRequestHeaders().getFirst("x-api-key"))) {
                answer(ex, 401, "{\"error\":\"unauthorized\"}", method, route);
                return;
            }
            int n = calls.computeIfAbsent(method + route, r -> new AtomicInteger())
                    .incrementAndGet();
            Deque<int[]> fs = faults.get(route);
            if (fs != null) {
                for (Iterator<int[]> it = fs.iterator(); it.hasNext(); ) {
                    int[] f = it.next();
                    if (f[0] == n) {
                        it.remove();
                        if (f[2] >= 0) ex.getResponseHeaders().add("retry-after", Integer.toString(f[2]));
                        answer(ex, f[1], f[1] == 429 ? "{\"error\":\"rate limited\"}" : "unavailable", method, route);
                        return;
                    }
                }
            }
            if (method.equals("GET") && route.startsWith("/api/feature/")) {
                getFeature(ex, route);
                return;
            }
            if (!method.equals("POST")) {
                answer(ex, 405, "{\"error\":\"method\"}", method, route);
                return;
            }
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (raw.length > maxBody) {
                answer(ex, 413, "Request Entity Too Large", method, route);
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                answer(ex, 500, "{\"error\":\"Internal Server Error\"}", method, route);
                return;
            }
            String nullPath = firstNull(body, "");
            if (nullPath != null) {
                answer(
                        ex,
                        400,
                        JSON.createObjectNode()
                                .put("error", nullPath + " must not be null")
                                .put("path", nullPath)
                                .toString(),
                        method,
                        route);
                return;
            }
            switch (route) {
                case "/api/model/new" -> modelNew(ex, body, method, route);
                case "/api/source-set/new" -> sourceSetNew(ex, body, method, route);
                case "/api/feature/upload-batch" -> uploadBatch(ex, body, method, route);
                case "/api/activation/upload-batch" -> activationBatch(ex, body, method, route);
                default -> answer(ex, 404, "{\"error\":\"not found\"}", method, route);
            }
        } catch (RuntimeException e) {
            answer(ex, 500, "{\"error\":\"Internal Server Error\"}", method, route);
        }
    }

    private void modelNew(HttpExchange ex, JsonNode b, String m, String r) throws IOException {
        String id = b.path("id").asText("");
        if (!id.matches("^[a-z][a-z0-9.-]*[a-z0-9]$")
                || id.length() > 32
                || !b.path("layers").canConvertToInt()
                || b.get("layers").asInt() < 1
                || b.get("layers").asInt() > 127) {
            answer(ex, 400, "{\"error\":\"invalid model\",\"path\":\"id\"}", m, r);
            return;
        }
        if (state.models.putIfAbsent(id, key) != null) {
            answer(ex, 400, "{\"error\":\"Model already exists\"}", m, r);
            return;
        }
        answer(
                ex,
                200,
                JSON.createObjectNode()
                        .put("id", id)
                        .put("visibility", "UNLISTED")
                        .toString(),
                m,
                r);
    }

    private void sourceSetNew(HttpExchange ex, JsonNode b, String m, String r) throws IOException {
        String model = b.path("modelId").asText();
        String name = b.path("name").asText("");
        if (!name.matches("^[a-z][a-z0-9-]*[a-z0-9]$") || name.equals("neurons")) {
            answer(ex, 400, "{\"error\":\"invalid source set\",\"path\":\"name\"}", m, r);
            return;
        }
        if (!state.models.containsKey(model)) {
            answer(ex, 400, "{\"error\":\"Model not found\"}", m, r);
            return;
        }
        if (state.sourceSets.putIfAbsent(model + "/" + name, key) != null) {
            answer(ex, 400, "{\"error\":\"Source set name already exists for this model.\"}", m, r);
            return;
        }
        answer(
                ex,
                200,
                JSON.createObjectNode().put("name", name).put("modelId", model).toString(),
                m,
                r);
    }

    private void uploadBatch(HttpExchange ex, JsonNode b, String m, String r) throws IOException {
        String model = b.path("modelId").asText();
        String source = b.path("source").asText();
        String set = source.contains("-") ? source.substring(source.indexOf('-') + 1) : "";
        if (!key.equals(state.sourceSets.get(model + "/" + set)))
            throw new IllegalStateException("unknown source or not creator");
        JsonNode fs = b.path("features");
        if (!fs.isArray() || fs.isEmpty() || fs.size() > 128) {
            answer(ex, 400, "{\"error\":\"features must have 1..128 items\",\"path\":\"features\"}", m, r);
            return;
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (JsonNode f : fs) {
            if (!seen.add(f.path("index").asInt())) throw new IllegalStateException("duplicate index");
            if (!f.path("activations").isArray() || f.path("activations").isEmpty()) {
                answer(ex, 400, "{\"error\":\"activations required\",\"path\":\"features.activations\"}", m, r);
                return;
            }
            String bad = badActivations(f.path("activations"));
            if (bad != null) {
                answer(
                        ex,
                        400,
                        JSON.createObjectNode()
                                .put("error", bad)
                                .put("path", "features.activations.tokens")
                                .toString(),
                        m,
                        r);
                return;
            }
            for (JsonNode e : f.path("explanations"))
                if (e.has("modelName")) throw new IllegalStateException("modelName");
        }
        for (JsonNode f : fs) {
            for (JsonNode a : f.path("activations"))
                if (a.path("tokens").size() != a.path("values").size()) throw new IllegalStateException("length");
        }
        synchronized (state) { // one transaction
            for (JsonNode f : fs) {
                String k = model + "/" + source + "/" + f.get("index").asInt();
                state.featureInserts
                        .computeIfAbsent(k, x -> new AtomicInteger())
                        .incrementAndGet();
                f.path("activations").forEach(a -> state.activations
                        .computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>()))
                        .add(a));
                f.path("explanations").forEach(e -> state.explanations
                        .computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>()))
                        .add(e.get("text").asText()));
            }
        }
        int applied = state.appliedBatches.incrementAndGet();
        if (killAfterAppliedBatches > 0 && applied >= killAfterAppliedBatches) {
            // the write is applied, but the caller never hears back: the worst moment for a crash
            state.log.add(m + " " + r + " killed");
            ex.close();
            new Thread(() -> server.stop(0)).start();
            return;
        }
        answer(ex, 200, "{\"message\":\"ok\"}", m, r);
    }

    private void activationBatch(HttpExchange ex, JsonNode b, String m, String r) throws IOException {
        String k = b.path("modelId").asText() + "/" + b.path("source").asText() + "/"
                + b.path("index").asText();
        if (!b.path("index").isTextual() || !state.featureInserts.containsKey(k))
            throw new IllegalStateException("unknown feature");
        String bad = badActivations(b.path("activations"));
        if (bad != null) {
            answer(
                    ex,
                    400,
                    JSON.createObjectNode()
                            .put("error", bad)
                            .put("path", "activations")
                            .toString(),
                    m,
                    r);
            return;
        }
        b.path("activations").forEach(a -> state.activations.get(k).add(a));
        answer(ex, 200, "{\"message\":\"ok\"}", m, r);
    }

    private void getFeature(HttpExchange ex, String route) throws IOException {
        String k = route.substring("/api/feature/".length());
        if (!state.featureInserts.containsKey(k)) {
            answer(ex, 404, "{\"error\":\"Feature not found\"}", "GET", route);
            return;
        }
        String[] p = k.split("/");
        ObjectNode o =
                JSON.createObjectNode().put("modelId", p[0]).put("layer", p[1]).put("index", p[2]);
        ArrayNode acts = o.putArray("activations");
        state.activations.getOrDefault(k, List.of()).forEach(acts::add);
        ArrayNode ex2 = o.putArray("explanations");
        state.explanations.getOrDefault(k, List.of()).forEach(t -> ex2.addObject()
                .put("description", t));
        answer(ex, 200, o.toString(), "GET", route);
    }

    private static String badActivations(JsonNode acts) {
        for (JsonNode a : acts) {
            if (!a.path("tokens").isArray()
                    || a.path("tokens").isEmpty()
                    || a.path("tokens").size() > 1024) return "tokens must have 1..1024 items";
            for (JsonNode t : a.path("tokens"))
                if (!t.isTextual() || t.asText().isEmpty()) return "tokens must not be empty strings";
        }
        return null;
    }

    private static String firstNull(JsonNode n, String path) {
        if (n.isNull()) return path;
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                String p = firstNull(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                if (p != null) return p;
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                String p = firstNull(c, path);
                if (p != null) return p;
            }
        }
        return null;
    }

    private void answer(HttpExchange ex, int status, String body, String method, String route) throws IOException {
        state.log.add(method + " " + route + " " + status);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
        ex.close();
    }
}

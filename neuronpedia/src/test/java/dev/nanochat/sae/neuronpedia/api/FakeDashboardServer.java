package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nanochat.sae.neuronpedia.ActivationExample;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Neuronpedia's read API on loopback over fixed dashboards ({@code POST /api/features},
 * {@code GET /api/feature/{model}/{source}/{index}}), in the Neuron-row shape viz-service serves.
 * Unknown or dead features are null in a batch answer and 404 alone. With {@link #requireBearer} it
 * answers 401 without that bearer token, as viz-service does on /api.
 */
public final class FakeDashboardServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> features = new HashMap<>();
    private final HttpServer server;
    private volatile String bearer;

    public FakeDashboardServer(SaeDashboards d) throws IOException {
        for (FeatureDashboard f : d.live()) features.put(d.modelId() + "/" + d.sourceId() + "/" + f.index(), row(d, f));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on every /api request needs {@code Authorization: Bearer <token>}. */
    public FakeDashboardServer requireBearer(String token) {
        this.bearer = token;
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (bearer != null
                && !("Bearer " + bearer).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"unauthorized\"}");
            return;
        }
        if (ex.getRequestMethod().equals("POST") && path.equals("/api/features")) {
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (!req.isArray() || req.isEmpty() || req.size() > 100) { // viz-service's limit
                send(ex, 400, "{\"error\":\"Body must be a JSON array of 1..100 {modelId, layer, index} objects\"}");
                return;
            }
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode r : req) {
                ObjectNode f = features.get(r.path("modelId").asText() + "/"
                        + r.path("layer").asText() + "/" + r.path("index").asText());
                if (f == null) out.addNull();
                else out.add(f);
            }
            send(ex, 200, out.toString());
        } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/api/feature/")) {
            ObjectNode f = features.get(path.substring("/api/feature/".length()));
            send(ex, f == null ? 404 : 200, f == null ? "{\"error\":\"Feature not found\"}" : f.toString());
        } else {
            send(ex, 404, "{\"error\":\"not found\"}");
        }
    }

    static ObjectNode row(SaeDashboards d, FeatureDashboard f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("modelId", d.modelId())
                .put("layer", d.sourceId())
                .put("index", Integer.toString(f.index()))
                .put("hookName", d.hookName())
                .put("maxActApprox", f.maxActApprox())
                .put("frac_nonzero", f.fracNonzero());
        f.posStr().forEach(o.putArray("pos_str")::add);
        ArrayNode pv = o.putArray("pos_values");
        for (double v : f.posValues()) pv.add(v);
        f.negStr().forEach(o.putArray("neg_str")::add);
        ArrayNode nv = o.putArray("neg_values");
        for (double v : f.negValues()) nv.add(v);
        put(o, "freq_hist_data_bar_heights", f.freqHistHeights());
        put(o, "freq_hist_data_bar_values", f.freqHistValues());
        put(o, "logits_hist_data_bar_heights", f.logitsHistHeights());
        put(o, "logits_hist_data_bar_values", f.logitsHistValues());
        ArrayNode ci = o.putArray("topkCosSimIndices");
        for (int i : f.topkCosSimIndices()) ci.add(i);
        put(o, "topkCosSimValues", f.topkCosSimValues());
        ArrayNode acts = o.putArray("activations");
        for (ActivationExample a : f.activations()) {
            ObjectNode x = acts.addObject();
            a.tokens().forEach(x.putArray("tokens")::add);
            put(x, "values", a.values());
            x.put("maxValue", a.maxValue())
                    .put("maxValueTokenIndex", a.maxValueTokenIndex())
                    .put("minValue", a.minValue())
                    .put("binMin", a.binMin())
                    .put("binMax", a.binMax())
                    .put("binContains", a.binContains())
                    .put("qualifyingTokenIndex", a.qualifyingTokenIndex());
        }
        ArrayNode ex = o.putArray("explanations");
        f.explanations().forEach(t -> ex.addObject().put("description", t));
        return o;
    }

    private static void put(ObjectNode o, String k, double[] v) {
        ArrayNode a = o.putArray(k);
        for (double x : v) a.add(x);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}

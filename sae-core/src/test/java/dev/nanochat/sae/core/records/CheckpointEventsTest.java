package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static CheckpointEvent event(boolean isFinal, double loss) {
        ObjectNode config =
                JSON.createObjectNode().put("architecture", "topk").put("k", 32).put("d_in", 128);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("l0", 32.0);
        return new CheckpointEvent(
                "run-7",
                1200,
                4_915_200L,
                "/data/checkpoints/run-7/step-001200",
                SHA,
                isFinal,
                metrics,
                config,
                "d2-000600",
                "blocks.1.hook_resid_post",
                "trainer-0",
                Instant.parse("2025-01-02T03:04:05.678Z"));
    }

    @Test
    void writesCloudEventsStructuredJson() throws Exception {
        JsonNode root = JSON.readTree(CheckpointEvents.toCloudEventJson(event(false, 0.25)));
        assertEquals("1.0", root.get("specversion").asText());
        assertEquals("run-7:1200", root.get("id").asText());
        assertEquals("/trainer/trainer-0", root.get("source").asText());
        assertEquals("dev.nanochat.sae.checkpoint", root.get("type").asText());
        assertEquals("2025-01-02T03:04:05.678Z", root.get("time").asText());
        assertEquals("application/json", root.get("datacontenttype").asText());
        JsonNode data = root.get("data");
        assertEquals("run-7", data.get("runId").asText());
        assertEquals(1200, data.get("step").asLong());
        assertEquals(4_915_200L, data.get("tokens").asLong());
        assertEquals(SHA, data.get("sha256").asText());
        assertEquals(false, data.get("final").asBoolean());
        assertEquals(0.25, data.get("metrics").get("loss").asDouble());
        assertEquals(32, data.get("config").get("k").asInt());
        assertEquals("blocks.1.hook_resid_post", data.get("hook").asText());
        JsonNode last = JSON.readTree(CheckpointEvents.toCloudEventJson(event(true, 0.25)));
        assertEquals("dev.nanochat.sae.run.completed", last.get("type").asText());
    }

    @Test
    void roundTripsIncludingNonFiniteMetrics() {
        CheckpointEvent e = event(true, Double.NaN);
        String json = CheckpointEvents.toCloudEventJson(e);
        assertTrue(json.contains("\"loss\":null"), json);
        CheckpointEvent back = CheckpointEvents.fromCloudEventJson(json);
        assertEquals(e.id(), back.id());
        assertEquals(e.config(), back.config());
        assertTrue(Double.isNaN(back.metrics().get("loss")));
        assertEquals(32.0, back.metrics().get("l0"));
        assertEquals(e.time(), back.time());
        assertEquals("trainer-0", back.instance());
        assertEquals(true, back.finalCheckpoint());
        CheckpointEvent plain = event(false, 0.5);
        assertEquals(plain, CheckpointEvents.fromCloudEventJson(CheckpointEvents.toCloudEventBytes(plain)));
    }

    private static String rejected(String json) {
        var ex = assertThrows(InvalidRecordException.class, () -> CheckpointEvents.fromCloudEventJson(json));
        assertEquals(InvalidRecordException.Reason.MALFORMED, ex.reason());
        return ex.getMessage();
    }

    @Test
    void strictParsing() throws Exception {
        String good = CheckpointEvents.toCloudEventJson(event(false, 1));
        assertEquals("event 'specversion' is '0.3', expected '1.0'", rejected(good.replace("\"1.0\"", "\"0.3\"")));
        assertEquals("event 'id' is 'run-7:1', expected 'run-7:1200'", rejected(good.replace("run-7:1200", "run-7:1")));
        assertEquals(
                "event type dev.nanochat.sae.run.completed disagrees with data.final=false",
                rejected(good.replace("dev.nanochat.sae.checkpoint", "dev.nanochat.sae.run.completed")));
        assertTrue(rejected(good.replace(SHA, "abc")).contains("sha256 must be 64 lowercase hex digits"));
        ObjectNode noPath = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) noPath.get("data")).remove("path");
        assertEquals("event field 'path' is missing or not a string", rejected(noPath.toString()));
        assertTrue(rejected("{\"specversion\":").startsWith("checkpoint event is not JSON"));
        assertTrue(rejected(good.replace("2025-01-02T03:04:05.678Z", "yesterday"))
                .startsWith("event time is not RFC 3339"));
    }

    @Test
    void constructorValidates() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new CheckpointEvent("a:b", 0, 0, "/p", SHA, false, Map.of(), null, "m", "h", "i", Instant.EPOCH));
        assertTrue(e.getMessage().startsWith("runId must not contain ':'"), e.getMessage());
    }
}

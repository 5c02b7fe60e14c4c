package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingProgressJsonTest {
    @Test
    void roundTripsAndKeepsOnlyFiniteMetrics() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("loss", 0.25);
        raw.put("fvu", Double.NaN);
        raw.put("l0", 6L);
        raw.put("grad_norm", Double.POSITIVE_INFINITY);
        TrainingProgress p = new TrainingProgress(
                "run-1", 12, 3072, "d2-000600", "blocks.1.hook_resid_post", "topk", TrainingProgress.finite(raw));
        assertEquals(Map.of("loss", 0.25, "l0", 6.0), p.metrics());
        String json = new String(TrainingProgressJson.toBytes(p), StandardCharsets.UTF_8);
        assertEquals(
                "{\"runId\":\"run-1\",\"step\":12,\"tokens\":3072,\"modelId\":\"d2-000600\","
                        + "\"hook\":\"blocks.1.hook_resid_post\",\"architecture\":\"topk\","
                        + "\"metrics\":{\"loss\":0.25,\"l0\":6.0}}",
                json);
        assertEquals(p, TrainingProgressJson.fromBytes(TrainingProgressJson.toBytes(p)));
        TrainingProgress noArch = new TrainingProgress("r", 0, 0, "m", "h", null, Map.of());
        assertNull(TrainingProgressJson.fromBytes(TrainingProgressJson.toBytes(noArch))
                .architecture());
    }

    @Test
    void malformedRecordsAreTypedErrorsNamingTheField() {
        String ok = "\"runId\":\"r\",\"step\":1,\"tokens\":256,\"modelId\":\"m\",\"hook\":\"h\"";
        Map<String, String> cases = Map.of(
                "not json",
                "not JSON",
                "[1,2]",
                "not a JSON object",
                "{" + ok + "}",
                "no 'metrics' object",
                "{" + ok + ",\"metrics\":{\"loss\":\"x\"}}",
                "metric 'loss'",
                "{" + ok + ",\"metrics\":{\"loss\":1e999}}",
                "metric 'loss' must be a finite number",
                "{\"runId\":\"r\",\"step\":1.5,\"tokens\":256,\"modelId\":\"m\",\"hook\":\"h\",\"metrics\":{}}",
                "field 'step'",
                "{\"runId\":\"r\",\"step\":-1,\"tokens\":256,\"modelId\":\"m\",\"hook\":\"h\",\"metrics\":{}}",
                "step and tokens must be ≥ 0",
                "{\"step\":1,\"tokens\":256,\"modelId\":\"m\",\"hook\":\"h\",\"metrics\":{}}",
                "field 'runId'");
        for (var c : cases.entrySet()) {
            var e = assertThrows(
                    InvalidRecordException.class,
                    () -> TrainingProgressJson.fromBytes(c.getKey().getBytes(StandardCharsets.UTF_8)),
                    c.getKey());
            assertEquals(InvalidRecordException.Reason.MALFORMED, e.reason());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " → " + e.getMessage());
        }
        assertThrows(InvalidRecordException.class, () -> TrainingProgressJson.fromBytes(null));
    }
}

package dev.nanochat.sae.trainer.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/** REST helpers for run tests (RestAssured against the app under test). */
public final class Runs {
    public static final int D_IN = 32;

    private Runs() {}

    /** True sparse directions in the synthetic data, and how many are active per row. */
    public static final int FEATURES = 32;

    public static final int ACTIVE = 3;

    /** TopK SAE for the synthetic data (lr measured: FVU ≈ 0.02 after 300 steps of 256). */
    public static Map<String, Object> topk() {
        return new HashMap<>(
                Map.of("architecture", "topk", "d_in", D_IN, "d_sae", 128, "k", 6, "learning_rate", 3e-2, "seed", 42));
    }

    /**
     * An SAE of each architecture for the synthetic data, d_sae 128. Sparsity coefficients are on the
     * normalised input scale (E‖x‖ = √d_in); measured alone at 128k tokens: FVU 0.004 (topk, batchtopk,
     * L0 6), 0.046 (relu λ 1, L0 7), 0.031 (gated λ 2, L0 6), 0.034 (jumprelu λ 1, L0 3).
     */
    public static Map<String, Object> sae(String architecture) {
        Map<String, Object> sae = topk();
        sae.put("architecture", architecture);
        switch (architecture) {
            case "topk", "batchtopk" -> {}
            case "relu" -> sae.putAll(Map.of("l1_coefficient", 1.0, "learning_rate", 1e-2, "warmup_steps", 50));
            case "gated" -> sae.putAll(Map.of("l1_coefficient", 2.0, "learning_rate", 1e-2, "warmup_steps", 50));
            case "jumprelu" -> sae.putAll(Map.of("l1_coefficient", 1.0, "learning_rate", 1e-2, "warmup_steps", 50));
            default -> throw new IllegalArgumentException(architecture);
        }
        return sae;
    }

    public static Map<String, Object> request(String topic, Long stopAfter, long checkpointEvery) {
        Map<String, Object> body = new HashMap<>();
        body.put("activationTopic", topic);
        body.put("sae", topk());
        body.put("batchTokens", 256);
        body.put("shuffleBufferTokens", 2048);
        body.put("checkpointEveryTokens", checkpointEvery);
        if (stopAfter != null) {
            body.put("stopAfterTokens", stopAfter);
        }
        body.put("device", "cpu");
        return body;
    }

    public static String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/runs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    public static JsonPath get(String id) {
        return given().get("/api/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /**
     * Waits for the run to reach {@code status}; a FAILED run fails at once. On a timeout the error names
     * where the run got to (its REST view) and what its thread was doing (in a @QuarkusTest the runner
     * threads live in this JVM), so a stall on a slow CI machine can be told from a hang.
     */
    public static JsonPath awaitStatus(String id, String status, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(300)).until(() -> {
                String s = get(id).getString("status");
                if ("FAILED".equals(s) && !"FAILED".equals(status)) {
                    throw new AssertionError("run failed: " + get(id).getString("error"));
                }
                return status.equals(s);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "run " + id + " not " + status + " within " + timeout + ": " + get(id).prettify() + "\n"
                            + runThreads(id),
                    e);
        }
        return get(id);
    }

    /** Stack traces of this run's threads in the test JVM (none when the trainer is another process). */
    static String runThreads(String id) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (!thread.getName().contains(id)) return;
            out.append("thread ")
                    .append(thread.getName())
                    .append(" (")
                    .append(thread.getState())
                    .append(")\n");
            for (StackTraceElement frame : stack)
                out.append("    at ").append(frame).append('\n');
        });
        return out.length() == 0 ? "no thread of this run in the test JVM" : out.toString();
    }
}

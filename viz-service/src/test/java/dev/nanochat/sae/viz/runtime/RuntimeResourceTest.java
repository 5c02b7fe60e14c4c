package dev.nanochat.sae.viz.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.runtime.FeatureSearch;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.support.test.ApiAuth;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Neuronpedia-shaped runtime API on the real d2 checkpoint: values match the runtime library run
 * independently in the test, steering is reproducible from the seed, streaming ends with the same body,
 * and every limit answers a problem+json 400 naming the field.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class RuntimeResourceTest {
    static final String TEXT = "Call me Ishmael. Some years ago, never mind how long precisely";
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode post(String path, String body, int status) throws Exception {
        String out = given().contentType(ContentType.JSON)
                .body(body)
                .post(path)
                .then()
                .statusCode(status)
                .extract()
                .asString();
        return JSON.readTree(out);
    }

    @Test
    void activationNewEqualsTheRuntimesValuesOfTheFeature() throws Exception {
        JsonNode r = post(
                "/api/activation/new",
                "{\"feature\":{\"modelId\":\"d2-000600\",\"source\":\"1-res1\",\"index\":\"5\"},\"customText\":\""
                        + TEXT + "\"}",
                200);
        try (SaeRuntime rt = SaeRuntime.load(
                ModelCheckpoints.resolve(RuntimeTestResource.modelDir, "base", null, null),
                List.of(RuntimeTestResource.saeDir.resolve("res0"), RuntimeTestResource.saeDir.resolve("res1")),
                Device.cpu())) {
            int[] ids = rt.encodeWithBos(TEXT);
            FeatureSearch.Hit want = new FeatureSearch(rt).activation(ids, 1, 5);
            assertEquals(ids.length, r.get("tokens").size());
            assertEquals("<|bos|>", r.get("tokens").get(0).asText());
            for (int t = 0; t < ids.length; t++)
                assertEquals(want.values()[t], r.get("values").get(t).floatValue(), 1e-5);
            assertEquals(want.maxValue(), r.get("maxValue").floatValue(), 1e-5);
            assertEquals(want.maxValueIndex(), r.get("maxValueTokenIndex").asInt());
        }
    }

    @Test
    void searchAllRanksFeaturesOfTheSelectedLayers() throws Exception {
        JsonNode r = post(
                "/api/search-all",
                "{\"modelId\":\"d2-000600\",\"sourceSet\":\"\",\"text\":\"" + TEXT
                        + "\",\"selectedLayers\":[\"0-res0\",\"1-res1\"],"
                        + "\"sortIndexes\":[],\"ignoreBos\":true,\"densityThreshold\":-1,\"numResults\":12}",
                200);
        int tokens = r.get("tokens").size();
        assertEquals(12, r.get("result").size());
        float prev = Float.MAX_VALUE;
        java.util.Set<String> layers = new java.util.HashSet<>();
        for (JsonNode h : r.get("result")) {
            assertEquals("d2-000600", h.get("modelId").asText());
            layers.add(h.get("layer").asText());
            assertEquals(tokens, h.get("values").size());
            assertEquals(0f, h.get("values").get(0).floatValue(), "BOS ignored");
            float max = h.get("maxValue").floatValue();
            assertTrue(max <= prev && max > 0);
            assertEquals(
                    max, h.get("values").get(h.get("maxValueIndex").asInt()).floatValue(), 1e-6);
            prev = max;
        }
        assertTrue(layers.stream().allMatch(l -> l.equals("0-res0") || l.equals("1-res1")), layers.toString());
    }

    /** densityThreshold leaves out features denser than it; res1's densities are 10^(−f/64) (RuntimeTestResource). */
    @Test
    void searchAllLeavesOutFeaturesDenserThanTheDensityThreshold() throws Exception {
        String body = "{\"modelId\":\"d2-000600\",\"text\":\"" + TEXT
                + "\",\"selectedLayers\":[\"1-res1\"],\"ignoreBos\":true,\"numResults\":100,\"densityThreshold\":";
        JsonNode all = post("/api/search-all", body + "-1}", 200);
        double threshold = Math.pow(10, -100 / 64.0) * 1.0001; // features 100..255 have density <= this
        JsonNode sparse = post("/api/search-all", body + threshold + "}", 200);
        java.util.Set<Integer> kept = new java.util.HashSet<>();
        for (JsonNode h : sparse.get("result")) kept.add(h.get("index").asInt());
        java.util.List<Integer> expected = new java.util.ArrayList<>();
        for (JsonNode h : all.get("result"))
            if (h.get("index").asInt() >= 100) expected.add(h.get("index").asInt());
        assertTrue(kept.stream().allMatch(f -> f >= 100), "only features of density <= threshold: " + kept);
        assertFalse(expected.isEmpty() || expected.size() == all.get("result").size(), "the text fires both kinds");
        // Every sparse feature of the unfiltered top 100 is still there; the dense ones' places go to others.
        assertTrue(kept.containsAll(expected), "kept " + kept + " lost some of " + expected);
        bad("/api/search-all", body + "0}", "densityThreshold", "(0, 1]");
        bad("/api/search-all", body + "1.5}", "densityThreshold", "(0, 1]");
        // res0 has no densities: asking for a threshold over it says so instead of ignoring it.
        bad(
                "/api/search-all",
                body.replace("1-res1", "0-res0") + "0.5}",
                "densityThreshold",
                "densities of d2-000600/0-res0 are not known");
    }

    static String steerBody(double strength, boolean stream, int logprobs) {
        return "{\"prompt\":\"Call me Ishmael.\",\"modelId\":\"d2-000600\",\"features\":[{\"modelId\":\"d2-000600\",\"layer\":\"1-res1\",\"index\":3,\"strength\":"
                + strength + "}],"
                + "\"temperature\":0.8,\"n_tokens\":20,\"seed\":5,\"strength_multiplier\":2,\"freq_penalty\":0,\"steer_method\":\"SIMPLE_ADDITIVE\",\"stream\":"
                + stream
                + (logprobs > 0 ? ",\"n_logprobs\":" + logprobs : "") + "}";
    }

    @Test
    void steerGivesDefaultAndSteeredFromOneSeedAndStreamsTheSameResult() throws Exception {
        JsonNode zero = post("/api/steer", steerBody(0, false, 0), 200);
        assertEquals(zero.get("DEFAULT").asText(), zero.get("STEERED").asText(), "strength 0 changes nothing");
        JsonNode strong = post("/api/steer", steerBody(10, false, 3), 200);
        assertEquals(zero.get("DEFAULT").asText(), strong.get("DEFAULT").asText(), "DEFAULT depends only on the seed");
        assertNotEquals(strong.get("DEFAULT").asText(), strong.get("STEERED").asText());
        assertTrue(strong.get("STEERED").asText().startsWith("Call me Ishmael."));
        assertTrue(strong.get("steeredLogProbs").size() > 0);
        JsonNode lp = strong.get("steeredLogProbs").get(0);
        assertTrue(lp.get("logprob").floatValue() <= 0 && lp.get("topLogprobs").size() == 3);
        // freq_penalty reaches the sampler (its semantics are pinned in nanochat's GenerationTest): the
        // same seed samples another DEFAULT, and both completions still come from one seed.
        JsonNode penalised =
                post("/api/steer", steerBody(0, false, 0).replace("\"freq_penalty\":0", "\"freq_penalty\":2"), 200);
        assertNotEquals(zero.get("DEFAULT").asText(), penalised.get("DEFAULT").asText());
        assertEquals(penalised.get("DEFAULT").asText(), penalised.get("STEERED").asText());

        String sse = given().contentType(ContentType.JSON)
                .body(steerBody(10, true, 3))
                .post("/api/steer")
                .then()
                .statusCode(200)
                .header("Content-Type", containsString("text/event-stream"))
                .extract()
                .asString();
        List<JsonNode> events = new ArrayList<>();
        for (String ev : sse.split("\n\n")) if (ev.startsWith("data: ")) events.add(JSON.readTree(ev.substring(6)));
        assertTrue(events.size() >= 3, "streamed " + events.size() + " events");
        JsonNode last = events.get(events.size() - 1);
        assertEquals(strong, last, "the final event is the non-streamed body");
        // The texts grow: the DEFAULT first, then the STEERED continuation.
        assertTrue(events.get(0).get("STEERED").asText().equals("Call me Ishmael.")
                && events.get(0).get("DEFAULT").asText().length() > "Call me Ishmael.".length());
    }

    @Test
    void theRuntimesPostsNeedATokenAndRoleReadSuffices() {
        String body = "{\"modelId\":\"d2-000600\",\"text\":\"hi\",\"numResults\":1}";
        given().header("Authorization", "Bearer not-a-token-of-ours-0000")
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/search-all")
                .then()
                .statusCode(401);
        given().header("Authorization", ApiAuth.bearer(ApiAuth.READ_TOKEN))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/search-all")
                .then()
                .statusCode(200);
        given().header("Authorization", ApiAuth.bearer(ApiAuth.READ_TOKEN))
                .contentType(ContentType.JSON)
                .body(steerBody(1, false, 0))
                .post("/api/steer")
                .then()
                .statusCode(200);
    }

    @Test
    void limitsAndBadInputAnswerProblemJson400sNamingTheField() {
        String ok = steerBody(1, false, 0);
        bad("/api/steer", ok.replace("\"n_tokens\":20", "\"n_tokens\":300"), "n_tokens", "1..256");
        bad("/api/steer", ok.replace("\"prompt\":\"Call me Ishmael.\",", ""), "prompt", "required");
        bad("/api/steer", ok.replace("\"temperature\":0.8", "\"temperature\":3"), "temperature", "0.0..2.0");
        bad(
                "/api/steer",
                ok.replace("\"layer\":\"1-res1\"", "\"layer\":\"7-nope\""),
                "features[0].layer",
                "d2-000600/7-nope");
        bad("/api/steer", ok.replace("\"index\":3", "\"index\":256"), "features[0].index", "out of range");
        bad("/api/steer", ok.replace("SIMPLE_ADDITIVE", "ORTHOGONAL_DECOMP"), "steer_method", "not supported");
        bad("/api/steer", ok.replace("\"freq_penalty\":0", "\"freq_penalty\":3"), "freq_penalty", "-2.0..2.0");
        bad(
                "/api/steer",
                ok.replace("\"prompt\":\"Call me Ishmael.\"", "\"prompt\":\"" + "whale ".repeat(120) + "\""),
                "prompt",
                "context is 128");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 17; i++)
            many.append(i == 0 ? "" : ",").append("{\"layer\":\"1-res1\",\"index\":" + i + ",\"strength\":1}");
        bad("/api/steer", ok.replaceFirst("\"features\":\\[.*?\\]", "\"features\":" + many + "]"), "features", "1..16");
        bad(
                "/api/activation/new",
                "{\"feature\":{\"modelId\":\"d2-000600\",\"source\":\"0-res0\",\"index\":1},\"customText\":\"\"}",
                "customText",
                "empty");
        bad(
                "/api/search-all",
                "{\"modelId\":\"d2-000600\",\"text\":\"hi\",\"numResults\":101}",
                "numResults",
                "1..100");
    }

    static void bad(String path, String body, String field, String detail) {
        given().contentType(ContentType.JSON)
                .body(body)
                .post(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field))
                .body("detail", containsString(detail));
    }
}

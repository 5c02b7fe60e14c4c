package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.io.SaeLensFolder;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Fvu;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One instance trains five runs at once, one per architecture, from the same topic of synthetic records
 * (3 of 32 known unit directions per row, d_in 32): every run COMPLETES, trains every token exactly once,
 * and its final checkpoint, read back through the SAELens folder reader, reconstructs fresh rows.
 *
 * The FVU bound: the best rank-k linear code of this data keeps k of 32 equally strong directions, so
 * FVU ≈ 1 − k/32 (0.81 at k 6; 1.0 for a b_dec-only SAE). An SAE that found the sparse directions gets
 * far below that: {@link #FVU_BOUND} is an eighth of the rank-6 linear code's FVU and 2.5× the worst
 * measured here (topk 0.010, batchtopk 0.012, relu 0.041, gated 0.015, jumprelu 0.023; the L1/L0
 * architectures pay their sparsity penalty's shrinkage).
 */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class EveryArchitectureTest {
    static final double FVU_BOUND = 0.1;
    static final List<String> ARCHITECTURES = List.of("topk", "batchtopk", "relu", "gated", "jumprelu");

    @Test
    void five_architectures_train_at_once_on_one_instance() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.test-arch");
        ActivationTopics.create(topic, 3);
        SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 5);
        long produced;
        try (ActivationTopics producer = new ActivationTopics()) {
            produced = producer.produceTrain(topic, 3, data, 400, 320);
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (String arch : ARCHITECTURES) {
            Map<String, Object> request = Runs.request(topic, produced, produced / 2);
            request.put("sae", Runs.sae(arch));
            ids.put(arch, Runs.create(request));
        }
        float[] fresh = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 77).sample(4000);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos(); // for all five together
        for (var e : ids.entrySet()) {
            String arch = e.getKey();
            Duration left = Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime()));
            JsonPath run = Runs.awaitStatus(e.getValue(), "COMPLETED", left);
            assertEquals(produced, run.getLong("tokensCheckpointed"), arch + ": every produced token trained once");
            String engine = run.getString("engine");
            assertTrue(engine.contains(SaeConfig.usesK(arch) ? "sparse path" : "dense path"), arch + ": " + engine);
            List<Map<String, Object>> checkpoints = given().get("/api/runs/" + e.getValue() + "/checkpoints")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("$");
            Map<String, Object> last = checkpoints.get(checkpoints.size() - 1);
            assertEquals(true, last.get("isFinal"), arch);
            Path dir = Path.of((String) last.get("path"));
            SaeLensFolder.Contents folder = SaeLensFolder.read(dir);
            assertEquals(Runs.D_IN, folder.dIn(), arch);
            assertEquals(exportedArchitecture(arch), folder.architecture(), arch);
            double fvu = Fvu.of(dir, fresh, 4000, Runs.D_IN);
            System.out.printf("%s: held-out FVU %.4f, %s%n", arch, fvu, engine);
            assertTrue(fvu < FVU_BOUND, arch + ": FVU of the final checkpoint on fresh rows is " + fvu);
        }
    }

    /** A run that cannot fit its device is refused before it is created, naming the estimate and the limit. */
    @Test
    void a_run_too_large_for_its_device_is_refused_with_the_limit() {
        Map<String, Object> request = Runs.request("sae.activations.too-big", 1000L, 1000);
        Map<String, Object> sae = Runs.sae("relu");
        sae.put("d_sae", 4_000_000); // 2·d_sae·d_in floats × (params, grads, Adam m, v) ≈ 4 GiB before activations
        request.put("sae", sae);
        given().contentType("application/json")
                .body(request)
                .post("/api/runs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        containsString("more than the per-run limit of "
                                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB"))
                .body("detail", containsString("d_sae 4000000"));
    }

    /** SAELens names: relu trains the "standard" SAE, BatchTopK exports as JumpReLU. */
    private static String exportedArchitecture(String arch) {
        return switch (arch) {
            case "relu" -> "standard";
            case "batchtopk" -> "jumprelu";
            default -> arch;
        };
    }
}

package dev.nanochat.sae.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.CheckpointEvents;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.trainer.support.ActivationTopics;
import dev.nanochat.sae.trainer.support.Runs;
import dev.nanochat.sae.trainer.support.SyntheticActivations;
import dev.nanochat.sae.trainer.support.TopicReader;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real run (keep-last 2): after it completes, the rows and folders left are exactly the
 * last two, the lowest-loss one (found from the checkpoint events, which carry every checkpoint's
 * loss) and the final one; the run's per-run meters are gone a few seconds after it finished.
 */
@QuarkusTest
@TestProfile(RetentionTest.KeepTwo.class)
class RetentionTest {
    private static final int RECORDS = 48;
    private static final int ROWS = 64;

    public static class KeepTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sae.trainer.retention.keep-last", "2", "sae.trainer.retention.metrics-max-age", "PT3S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TrainerTestResource.class));
        }
    }

    @Inject
    MeterRegistry meters;

    @Test
    void old_checkpoints_are_deleted_keeping_last_best_and_final() throws Exception {
        String topic = ActivationTopics.uniqueTopic("sae.activations.retention");
        ActivationTopics.create(topic, 1);
        try (ActivationTopics p = new ActivationTopics()) {
            SyntheticActivations data = new SyntheticActivations(Runs.D_IN, Runs.FEATURES, Runs.ACTIVE, 5);
            for (int i = 0; i < RECORDS; i++) {
                p.send(topic, 0, p.record(data.sample(ROWS), ROWS, Runs.D_IN, Split.TRAIN));
            }
        }
        long total = (long) RECORDS * ROWS;
        String id = Runs.create(Runs.request(topic, total, 256));
        Runs.awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        assertNotNull(meters.find("trainer.tokens").tag("run", id).counter(), "the run has its meters at first");

        String suffix = ConfigProvider.getConfig().getValue("sae.topics.suffix", String.class);
        Map<Long, CheckpointEvent> byTokens = new LinkedHashMap<>();
        TopicReader.readAll(Topics.CHECKPOINTS + suffix).stream()
                .filter(r -> id.equals(r.key()))
                .map(r -> CheckpointEvents.fromCloudEventJson(r.value()))
                .forEach(e -> byTokens.put(e.tokens(), e));
        assertTrue(byTokens.size() >= 8, "enough checkpoints to prune: " + byTokens.keySet());
        List<Long> tokens = byTokens.keySet().stream().sorted().toList();
        long best = byTokens.values().stream()
                .min(Comparator.comparingDouble(e -> e.metrics().get("loss")))
                .orElseThrow()
                .tokens();
        Set<Long> expected = new java.util.TreeSet<>(tokens.subList(tokens.size() - 2, tokens.size()));
        expected.add(best);

        List<Map<String, Object>> rows = given().get("/api/runs/" + id + "/checkpoints")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Set<Long> kept = rows.stream()
                .map(r -> ((Number) r.get("tokens")).longValue())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(expected, kept, "last two + best loss " + best + " + final " + total);
        assertTrue(kept.contains(total));

        Path runDir = Path.of(ConfigProvider.getConfig().getValue("sae.trainer.checkpoint-dir", String.class))
                .resolve(id);
        Set<String> folders;
        try (Stream<Path> s = Files.list(runDir)) {
            folders = s.map(Path::toString).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
        Set<String> rowPaths = rows.stream()
                .map(r -> Path.of((String) r.get("path")).toString())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(rowPaths, folders, "exactly the kept rows' folders remain on disk");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> meters.find("trainer.tokens").tag("run", id).counter() == null);
        assertTrue(
                meters.getMeters().stream().noneMatch(m -> id.equals(m.getId().getTag("run"))),
                "every per-run meter of the finished run is pruned");
    }
}

package dev.nanochat.sae.trainer.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

/**
 * Gives each test JVM its own control topic, trainer group, event topics and checkpoint directory
 * on the shared broker, so concurrent or earlier test runs never own our runs.
 */
public class TrainerTestResource implements QuarkusTestResourceLifecycleManager {
    public static final long PROGRESS_INTERVAL_MS = 100;

    @Override
    public Map<String, String> start() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        try {
            return Map.of(
                    "sae.topics.suffix",
                    ".test-" + id,
                    "sae.trainer.group",
                    "sae-trainers-test-" + id,
                    "sae.trainer.run-slots",
                    "6",
                    "sae.trainer.runs-per-device",
                    "6",
                    "sae.trainer.session-timeout-ms",
                    "6000",
                    // A test run lasts seconds: report progress 10× as often as the default, for a few dozen points.
                    "sae.trainer.progress-interval",
                    PROGRESS_INTERVAL_MS + "ms",
                    "sae.trainer.checkpoint-dir",
                    Files.createTempDirectory("trainer-ckpt-").toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {}
}

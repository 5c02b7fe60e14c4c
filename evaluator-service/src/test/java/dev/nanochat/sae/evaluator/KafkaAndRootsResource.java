package dev.nanochat.sae.evaluator;

import dev.nanochat.sae.core.records.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Per test run: unique topics and consumer groups on the real broker, a model root holding the d2
 * fixture under a unique tag (so its activation topic and held-out set are this run's alone), and an
 * empty checkpoint root. Single-partition topics keep the events of one run in order.
 */
public class KafkaAndRootsResource implements QuarkusTestResourceLifecycleManager {
    static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String TAG = "e" + RUN;
    static final String MODEL_ID = TAG + "-000600";
    static final String HOOK = "blocks.1.hook_resid_post";
    /** Appended to the fixed topics of {@link Topics} (service-support's TopicNames reads it). */
    static final String SUFFIX = "." + RUN;

    static final String CHECKPOINTS = Topics.CHECKPOINTS + SUFFIX;
    static final String EVALUATIONS = Topics.EVALUATIONS + SUFFIX;
    static final String DLQ = Topics.DLQ + SUFFIX;
    static final String ACTIVATIONS = Topics.activations(MODEL_ID, HOOK);
    /** A model whose activations arrive but whose checkpoint is not under the model roots. */
    static final String MISSING_MODEL_ID = TAG + "gone-000600";

    static final String MISSING_ACTIVATIONS = Topics.activations(MISSING_MODEL_ID, HOOK);
    static Path modelRoot;
    static Path checkpointRoot;

    @Override
    public Map<String, String> start() {
        try {
            Path base = Files.createDirectories(Path.of("target", "it-" + RUN)).toAbsolutePath();
            modelRoot = base.resolve("models");
            checkpointRoot = Files.createDirectories(base.resolve("checkpoints"));
            Path src = Path.of("src/test/resources/nanochat-d2/base_checkpoints/d2");
            Path dst = Files.createDirectories(
                    modelRoot.resolve("base_checkpoints").resolve(TAG));
            for (String f : List.of("model_000600.pt", "meta_000600.json")) {
                Files.copy(src.resolve(f), dst.resolve(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(CHECKPOINTS, EVALUATIONS, DLQ, ACTIVATIONS, MISSING_ACTIVATIONS).stream()
                            .map(t -> new NewTopic(t, 1, (short) 1))
                            .toList())
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot create test topics on " + BOOTSTRAP + " (is `./sae kafka start` running?)", e);
        }
        return Map.ofEntries(
                Map.entry("sae.evaluator.model-roots", modelRoot.toString()),
                Map.entry("sae.evaluator.checkpoint-roots", checkpointRoot.toString()),
                Map.entry("sae.evaluator.activations-pattern", "sae\\.activations\\." + TAG + ".+"),
                Map.entry("sae.evaluator.held-out-wait", "20s"),
                Map.entry("sae.topics.suffix", SUFFIX),
                Map.entry("mp.messaging.incoming.checkpoints.group.id", "evaluator-test-" + RUN),
                Map.entry("mp.messaging.incoming.held-out.group.id", "evaluator-held-out-test-" + RUN));
    }

    @Override
    public void stop() {}
}

package dev.nanochat.sae.viz;

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
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Per test run: topics with a unique suffix on the real broker, a model root holding the d2 fixture
 * (weights and tokenizer) under a unique tag so its activation topic is this run's alone, and a
 * checkpoint root for the SAE folders the tests write.
 */
public class VizTestResource implements QuarkusTestResourceLifecycleManager {
    static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SUFFIX = "." + RUN;
    static final String TAG = "v" + RUN;
    static final String MODEL_ID = TAG + "-000600";
    static final String HOOK = "blocks.1.hook_resid_post";
    static final String CHECKPOINTS = Topics.CHECKPOINTS + SUFFIX;
    static final String DASHBOARDS = "sae.dashboards" + SUFFIX;
    static final String EVALUATIONS = Topics.EVALUATIONS + SUFFIX;
    static final String PROGRESS = Topics.TRAINING_PROGRESS + SUFFIX;
    static final String DLQ = Topics.DLQ + SUFFIX;
    static final String ACTIVATIONS = Topics.activations(MODEL_ID, HOOK);
    static Path modelRoot;
    static Path checkpointRoot;

    @Override
    public Map<String, String> start() {
        try {
            Path base = Files.createDirectories(Path.of("target", "it-" + RUN)).toAbsolutePath();
            modelRoot = base.resolve("models");
            checkpointRoot = Files.createDirectories(base.resolve("checkpoints"));
            Path fixture = Path.of("src/test/resources/nanochat-d2");
            Path dst = Files.createDirectories(
                    modelRoot.resolve("base_checkpoints").resolve(TAG));
            for (String f : List.of("model_000600.pt", "meta_000600.json")) {
                Files.copy(fixture.resolve("base_checkpoints/d2").resolve(f), dst.resolve(f));
            }
            Path tok = Files.createDirectories(modelRoot.resolve("tokenizer"));
            try (Stream<Path> files = Files.list(fixture.resolve("tokenizer"))) {
                for (Path f : files.toList()) Files.copy(f, tok.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(Stream.of(CHECKPOINTS, DASHBOARDS, EVALUATIONS, PROGRESS, DLQ, ACTIVATIONS)
                            .map(t -> new NewTopic(t, 1, (short) 1))
                            .toList())
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot create test topics on " + BOOTSTRAP + " (is `./sae kafka start` running?)", e);
        }
        return Map.of(
                "sae.viz.model-roots",
                modelRoot.toString(),
                "sae.viz.checkpoint-roots",
                checkpointRoot.toString(),
                "sae.viz.every-nth",
                "0",
                "sae.viz.read-timeout",
                "20s",
                "sae.topics.suffix",
                SUFFIX,
                "mp.messaging.incoming.checkpoints.group.id",
                "viz-test-" + RUN);
    }

    @Override
    public void stop() {}
}

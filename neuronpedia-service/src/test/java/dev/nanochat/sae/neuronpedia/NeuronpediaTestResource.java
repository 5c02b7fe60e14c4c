package dev.nanochat.sae.neuronpedia;

import dev.nanochat.sae.neuronpedia.api.FakeDashboardServer;
import dev.nanochat.sae.neuronpedia.api.FakeNeuronpedia;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
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
 * Per test run: this run's topics on the real broker (suffix), a checkpoint root with a real SAELens
 * folder, a dashboards server speaking Neuronpedia's read API over that SAE's dashboards (what
 * viz-service serves), and a loopback Neuronpedia write API to upload to.
 */
public class NeuronpediaTestResource implements QuarkusTestResourceLifecycleManager {
    static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SUFFIX = "." + RUN;
    static final String DASHBOARDS = "sae.dashboards" + SUFFIX;
    static final String DLQ = "sae.dlq" + SUFFIX;
    static final String KEY = "test-only-key-0f3a";
    static final int D_SAE = 60;
    static Path checkpoints;
    static Path sae;
    static Path saeWithoutDashboards;
    static Path packages;
    static FakeDashboardServer viz;
    static FakeNeuronpedia neuronpedia;
    static final FakeNeuronpedia.State STATE = new FakeNeuronpedia.State();

    @Override
    public Map<String, String> start() {
        try {
            Path base = Files.createDirectories(Path.of("target", "it-" + RUN)).toAbsolutePath();
            checkpoints = Files.createDirectories(base.resolve("checkpoints"));
            packages = base.resolve("packages");
            sae = Fixtures.saeFolder(checkpoints.resolve("run1/step-10/sae"), D_SAE);
            saeWithoutDashboards = Fixtures.saeFolder(checkpoints.resolve("run2/step-10/sae"), D_SAE);
            viz = new FakeDashboardServer(Fixtures.dashboards(D_SAE, 3, 12));
            neuronpedia = new FakeNeuronpedia(STATE, KEY, 4_500_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(DASHBOARDS, 1, (short) 1), new NewTopic(DLQ, 1, (short) 1)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot create test topics on " + BOOTSTRAP + " (is `./sae kafka start` running?)", e);
        }
        return Map.of(
                "sae.topics.suffix",
                SUFFIX,
                "sae.neuronpedia.checkpoint-roots",
                checkpoints.toString(),
                "sae.neuronpedia.package-root",
                packages.toString(),
                "sae.neuronpedia.dashboards-url",
                viz.baseUrl(),
                "sae.neuronpedia.upload-url",
                neuronpedia.baseUrl(),
                "sae.neuronpedia.model-layers",
                "2",
                "sae.neuronpedia.retry.base-delay",
                "10ms",
                "mp.messaging.incoming.dashboards.group.id",
                "neuronpedia-test-" + RUN);
    }

    @Override
    public void stop() {
        if (viz != null) viz.close();
        if (neuronpedia != null) neuronpedia.close();
    }
}

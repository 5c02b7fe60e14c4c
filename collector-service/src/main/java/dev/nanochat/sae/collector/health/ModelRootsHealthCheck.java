package dev.nanochat.sae.collector.health;

import dev.nanochat.sae.collector.config.CollectorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when at least one configured model root is a readable directory; lists each root's state. */
@Readiness
@ApplicationScoped
public class ModelRootsHealthCheck implements HealthCheck {
    private final CollectorConfig config;

    ModelRootsHealthCheck(CollectorConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("model-roots");
        boolean any = false;
        for (Path root : config.modelRoots()) {
            boolean ok = Files.isDirectory(root) && Files.isReadable(root);
            any |= ok;
            builder.withData(root.toString(), ok ? "readable" : "missing");
        }
        return builder.status(any).build();
    }
}

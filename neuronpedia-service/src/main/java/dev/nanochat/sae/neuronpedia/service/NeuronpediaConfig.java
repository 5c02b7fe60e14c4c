package dev.nanochat.sae.neuronpedia.service;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;

/** {@code sae.neuronpedia.*} from application.properties (see the comments there). */
@ConfigMapping(prefix = "sae.neuronpedia")
public interface NeuronpediaConfig {
    String packageRoot();

    List<String> checkpointRoots();

    String dashboardsUrl();

    /** Bearer token (read role) for the dashboards URL's /api; empty sends none. */
    java.util.Optional<String> dashboardsToken();

    int modelLayers();

    String creatorId();

    String visibility();

    String uploadUrl();

    int maxBodyBytes();

    int maxFeaturesPerBatch();

    Retry retry();

    interface Retry {
        int maxAttempts();

        Duration baseDelay();

        Duration maxDelay();
    }
}

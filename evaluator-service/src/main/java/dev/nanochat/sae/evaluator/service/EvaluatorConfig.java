package dev.nanochat.sae.evaluator.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Service dials under {@code sae.evaluator.*} (see application.properties for what each means). */
@ConfigMapping(prefix = "sae.evaluator")
public interface EvaluatorConfig {
    List<Path> modelRoots();

    List<Path> checkpointRoots();

    @WithDefault("8192")
    int heldOutTokens();

    @WithDefault("2048")
    int maxCeTokens();

    @WithDefault("30s")
    Duration heldOutWait();

    /** Regex of activation topics (used by the held-out channel's configuration). */
    Optional<String> activationsPattern();
}

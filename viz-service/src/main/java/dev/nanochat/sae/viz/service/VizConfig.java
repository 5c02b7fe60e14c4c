package dev.nanochat.sae.viz.service;

import dev.nanochat.sae.features.AnalysisSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The service's settings ({@code sae.viz.*}), turned into domain records here at the boundary. */
@ApplicationScoped
public class VizConfig {
    @ConfigProperty(name = "sae.viz.model-roots")
    String modelRoots;

    @ConfigProperty(name = "sae.viz.checkpoint-roots")
    String checkpointRoots;

    @ConfigProperty(name = "sae.viz.every-nth")
    int everyNth;

    @ConfigProperty(name = "sae.viz.analysis-tokens")
    long analysisTokens;

    @ConfigProperty(name = "sae.viz.collection")
    Optional<String> collection;

    @ConfigProperty(name = "sae.viz.top-examples")
    int topExamples;

    @ConfigProperty(name = "sae.viz.interval-groups")
    int intervalGroups;

    @ConfigProperty(name = "sae.viz.examples-per-interval")
    int examplesPerInterval;

    @ConfigProperty(name = "sae.viz.threads")
    int threads;

    @ConfigProperty(name = "sae.viz.read-timeout")
    Duration readTimeout;

    @ConfigProperty(name = "sae.viz.set-prefix")
    String setPrefix;

    public List<Path> modelRoots() {
        return paths(modelRoots);
    }

    public List<Path> checkpointRoots() {
        return paths(checkpointRoots);
    }

    private static List<Path> paths(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
    }

    /** Whether a checkpoint gets dashboards: every final one, and every Nth step when N > 0. */
    public boolean wanted(boolean finalCheckpoint, long step) {
        return finalCheckpoint || (everyNth > 0 && step % everyNth == 0);
    }

    public long analysisTokens() {
        return analysisTokens;
    }

    public String collection() {
        return collection.map(String::trim).orElse("");
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public String setPrefix() {
        return setPrefix;
    }

    public AnalysisSettings settings() {
        return AnalysisSettings.defaults()
                .withSizes(topExamples, intervalGroups, examplesPerInterval)
                .withThreads(threads);
    }
}

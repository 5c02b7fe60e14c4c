package dev.nanochat.sae.viz.runtime;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.support.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads the nanochat checkpoint and every SAELens folder under {@code viz.runtime.sae-dir} once at
 * startup, and bounds concurrent runtime calls (each forward already uses every core).
 */
@ApplicationScoped
public class RuntimeHolder {
    private static final Logger LOG = Logger.getLogger(RuntimeHolder.class);

    @ConfigProperty(name = "viz.runtime.model-dir") Optional<Path> modelDir;
    @ConfigProperty(name = "viz.runtime.model-tag") Optional<String> modelTag;
    @ConfigProperty(name = "viz.runtime.sae-dir") Optional<Path> saeDir;
    @ConfigProperty(name = "viz.runtime.max-concurrent", defaultValue = "2") int maxConcurrent;
    @ConfigProperty(name = "viz.runtime.queue-timeout-seconds", defaultValue = "30") int queueTimeout;

    private SaeRuntime runtime;
    private RuntimeApi api;
    private String problem = "the runtime is not configured: set viz.runtime.model-dir and viz.runtime.sae-dir";
    private Semaphore permits;

    void start(@Observes StartupEvent ev) {
        permits = new Semaphore(Math.max(1, maxConcurrent), true);
        if (modelDir.isEmpty() || saeDir.isEmpty()) {
            LOG.info("sae-runtime disabled: " + problem);
            return;
        }
        try {
            ModelCheckpoint ref = ModelCheckpoints.resolve(modelDir.get(), "base", modelTag.orElse(null), null);
            List<Path> folders = saeFolders(saeDir.get());
            runtime = SaeRuntime.load(ref, folders, Device.cpu());
            api = new RuntimeApi(runtime, new FolderSaeSources(ref.modelId(), runtime.saes(), folders));
            LOG.infof("sae-runtime: model %s on %s with %d SAEs: %s", ref.modelId(), Device.cpu(), folders.size(),
                    api.sources().all().stream().map(s -> s.modelId() + "/" + s.source() + " @" + s.hook()).toList());
        } catch (RuntimeException e) {
            problem = "the runtime failed to load: " + e.getMessage();
            LOG.error(problem, e);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (runtime != null) runtime.close();
    }

    /** SAELens folders: the directory itself, or its subdirectories holding a cfg.json (sorted by name). */
    static List<Path> saeFolders(Path dir) {
        if (Files.isRegularFile(dir.resolve("cfg.json"))) return List.of(dir);
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(p -> Files.isRegularFile(p.resolve("cfg.json"))).sorted().toList();
            if (out.isEmpty()) throw new IllegalArgumentException("no SAELens folder (with cfg.json) under " + dir);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list SAE folders under " + dir, e);
        }
    }

    public boolean configured() {
        return modelDir.isPresent() && saeDir.isPresent();
    }

    public boolean ready() {
        return api != null;
    }

    public String problem() {
        return problem;
    }

    public Optional<RuntimeApi> api() {
        return Optional.ofNullable(api);
    }

    /** Runs one call against the runtime under the concurrency bound; 503 when not loaded or busy. */
    public <T> T call(Function<RuntimeApi, T> work) {
        if (api == null) throw ProblemException.unavailable(problem);
        try {
            if (!permits.tryAcquire(queueTimeout, TimeUnit.SECONDS)) {
                throw new RejectedExecutionException("the runtime is busy: " + maxConcurrent + " requests running; retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for the runtime");
        }
        try {
            return work.apply(api);
        } finally {
            permits.release();
        }
    }
}

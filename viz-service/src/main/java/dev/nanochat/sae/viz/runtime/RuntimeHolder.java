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
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads the nanochat checkpoint and every SAELens folder under {@code viz.runtime.sae-dir} once at
 * startup, and bounds concurrent runtime calls (each forward already uses every core). A call naming a
 * (modelId, source) the folder does not hold goes to {@link RegistryRuntimes}: the SAEs viz has analysed,
 * loaded on demand — so a checkpoint trained after viz started is usable without a restart.
 */
@ApplicationScoped
public class RuntimeHolder {
    private static final Logger LOG = Logger.getLogger(RuntimeHolder.class);

    @Inject
    RegistryRuntimes registry;

    @ConfigProperty(name = "viz.runtime.model-dir")
    Optional<Path> modelDir;

    @ConfigProperty(name = "viz.runtime.model-tag")
    Optional<String> modelTag;

    @ConfigProperty(name = "viz.runtime.sae-dir")
    Optional<Path> saeDir;

    @ConfigProperty(name = "viz.runtime.max-concurrent", defaultValue = "2")
    int maxConcurrent;

    @ConfigProperty(name = "viz.runtime.queue-timeout-seconds", defaultValue = "30")
    int queueTimeout;

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
            LOG.infof(
                    "sae-runtime: model %s on %s with %d SAEs: %s",
                    ref.modelId(),
                    Device.cpu(),
                    folders.size(),
                    api.sources().all().stream()
                            .map(s -> s.modelId() + "/" + s.source() + " @" + s.hook())
                            .toList());
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
            List<Path> out = s.filter(p -> Files.isRegularFile(p.resolve("cfg.json")))
                    .sorted()
                    .toList();
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

    /** Every SAE a call can name: the folder's, then viz's analysed ones the folder does not hold. */
    public List<SaeSources.Source> sources() {
        List<SaeSources.Source> out = new java.util.ArrayList<>(
                api == null ? List.of() : api.sources().all());
        for (SaeSources.Source s : registry.all()) {
            if (api == null || api.sources().find(s.modelId(), s.source()).isEmpty()) out.add(s);
        }
        return out;
    }

    /**
     * Runs one call naming (modelId, source) under the concurrency bound: on the folder runtime when it
     * holds that SAE (or no source is named), else on viz's registry; 503 when neither can serve it.
     */
    public <T> T call(String modelId, String source, Function<RuntimeApi, T> work) {
        boolean named = modelId != null && source != null && !modelId.isBlank() && !source.isBlank();
        if (!named || (api != null && api.sources().find(modelId, source).isPresent())) return call(work);
        if (registry.find(modelId, source).isEmpty()) {
            if (api != null) return call(work); // the folder runtime's 400 names what is loaded
            throw ProblemException.badRequest(
                    "source", "no SAE '" + modelId + "/" + source + "' is loaded or analysed by viz (" + problem + ")");
        }
        acquire();
        try {
            return registry.call(modelId, source, work)
                    .orElseThrow(() -> ProblemException.notFound(
                            "SAE '" + modelId + "/" + source + "' is no longer in viz's registry"));
        } finally {
            permits.release();
        }
    }

    private void acquire() {
        try {
            if (!permits.tryAcquire(queueTimeout, TimeUnit.SECONDS)) {
                throw new RejectedExecutionException(
                        "the runtime is busy: " + maxConcurrent + " requests running; retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for the runtime");
        }
    }

    /** Runs one call against the folder runtime under the concurrency bound; 503 when not loaded or busy. */
    public <T> T call(Function<RuntimeApi, T> work) {
        if (api == null) throw ProblemException.unavailable(problem);
        try {
            if (!permits.tryAcquire(queueTimeout, TimeUnit.SECONDS)) {
                throw new RejectedExecutionException(
                        "the runtime is busy: " + maxConcurrent + " requests running; retry later");
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

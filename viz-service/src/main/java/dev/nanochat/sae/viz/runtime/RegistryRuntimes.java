package dev.nanochat.sae.viz.runtime;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.runtime.SaeRuntime;
import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.DashboardRepository;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The runtime over the SAEs viz has analysed: (modelId, source) → the newest DONE dashboard → its
 * checkpoint folder and the nanochat checkpoint that analysis used, loaded on first use into a runtime of
 * its own and cached. The cache is bounded (LRU, {@code viz.runtime.registry-cache} entries: each holds a
 * model); an evicted runtime is closed once no call is using it. A newer checkpoint of the same source
 * replaces the cached one (the key is the dashboard id).
 */
@ApplicationScoped
public class RegistryRuntimes {
    private static final Logger LOG = Logger.getLogger(RegistryRuntimes.class);

    @Inject
    DashboardRepository dashboards;

    @Inject
    FeatureRepository features;

    @ConfigProperty(name = "viz.runtime.registry-cache", defaultValue = "2")
    int capacity;

    /** One loaded SAE and its model; closed when evicted and idle. */
    private static final class Entry {
        final SaeRuntime runtime;
        final RuntimeApi api;
        int users;
        boolean evicted;

        Entry(SaeRuntime runtime, RuntimeApi api) {
            this.runtime = runtime;
            this.api = api;
        }
    }

    private final LinkedHashMap<Long, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);

    /** The dashboard the registry would serve for (modelId, source), if any (DONE, with its model recorded). */
    public Optional<Dashboard> find(String modelId, String source) {
        return QuarkusTransaction.requiringNew()
                .call(() -> dashboards.latestDone(modelId, source))
                .filter(d -> d.modelDir != null);
    }

    /** Every SAE the registry can serve (newest DONE checkpoint per source). */
    public List<SaeSources.Source> all() {
        Map<String, SaeSources.Source> out = new LinkedHashMap<>();
        for (Dashboard d : QuarkusTransaction.requiringNew().call(() -> dashboards.done())) {
            if (d.modelDir != null) out.putIfAbsent(d.modelId + "/" + d.sourceId, source(d));
        }
        return List.copyOf(out.values());
    }

    /** Runs {@code work} on the runtime of that SAE; empty when viz has not analysed it. */
    public <T> Optional<T> call(String modelId, String source, Function<RuntimeApi, T> work) {
        Optional<Dashboard> d = find(modelId, source);
        if (d.isEmpty()) return Optional.empty();
        Entry e = acquire(d.get());
        try {
            return Optional.ofNullable(work.apply(e.api));
        } finally {
            release(e);
        }
    }

    /** frac_nonzero of every feature as the dashboards show it (the analysis' data, not training's). */
    private double[] densities(Dashboard d) {
        double[] out = new double[d.dSae];
        List<Object[]> rows = features.getEntityManager()
                .createQuery("select f.idx, f.fracNonzero from FeatureRow f where f.dashboardId = ?1", Object[].class)
                .setParameter(1, d.id)
                .getResultList();
        for (Object[] r : rows) out[(Integer) r[0]] = (Double) r[1];
        return out;
    }

    private static SaeSources.Source source(Dashboard d) {
        return new SaeSources.Source(0, d.modelId, d.sourceId, d.hookName, d.dSae);
    }

    private synchronized Entry acquire(Dashboard d) {
        Entry e = cache.get(d.id);
        if (e == null) {
            ModelCheckpoint ref = ModelCheckpoints.resolve(Path.of(d.modelDir), d.modelSource, d.modelTag, d.modelStep);
            SaeRuntime rt = SaeRuntime.load(ref, List.of(Path.of(d.path)), Device.cpu());
            SaeSources.Source src = source(d);
            double[] density = QuarkusTransaction.requiringNew().call(() -> densities(d));
            e = new Entry(rt, new RuntimeApi(rt, new SaeSources() {
                public List<Source> all() {
                    return List.of(src);
                }

                public Optional<double[]> densities(Source s) {
                    return Optional.of(density);
                }
            }));
            cache.put(d.id, e);
            LOG.infof(
                    "sae-runtime: loaded %s/%s (checkpoint %s, model %s) from viz's registry",
                    d.modelId, d.sourceId, d.checkpointId, ref.modelId());
            for (Iterator<Map.Entry<Long, Entry>> it = cache.entrySet().iterator();
                    cache.size() > Math.max(1, capacity); ) {
                Entry old = it.next().getValue();
                it.remove();
                old.evicted = true;
                if (old.users == 0) old.runtime.close();
            }
        }
        e.users++;
        return e;
    }

    private synchronized void release(Entry e) {
        e.users--;
        if (e.evicted && e.users == 0) e.runtime.close();
    }

    void stop(@Observes ShutdownEvent ev) {
        synchronized (this) {
            cache.values().forEach(e -> e.runtime.close());
            cache.clear();
        }
    }
}

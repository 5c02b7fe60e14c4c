package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.trainer.persistence.RunStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Per-run meters (tag {@code run}: tokens, checkpoints, retries) would grow the registry and every
 * Prometheus scrape by one series per run forever: once a run has been finished for
 * {@code sae.trainer.retention.metrics-max-age}, its meters are removed (checked every minute).
 */
@ApplicationScoped
public class MeterPruner {
    private static final Logger LOG = Logger.getLogger(MeterPruner.class);

    private final MeterRegistry meters;
    private final RunStore store;
    private final TrainerConfig config;
    private ScheduledExecutorService timer;

    MeterPruner(MeterRegistry meters, RunStore store, TrainerConfig config) {
        this.meters = meters;
        this.store = store;
        this.config = config;
    }

    void start(@Observes StartupEvent e) {
        long every = Math.max(1, Math.min(60, config.retention().metricsMaxAge().toSeconds()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meter-pruner");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::safePrune, every, every, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void safePrune() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.debugf("meter pruning skipped: %s", e.getMessage());
        }
    }

    /** Removes the meters of runs finished before now − max age; returns how many meters went. */
    public int prune() {
        Set<String> withMeters = new HashSet<>();
        for (Meter m : meters.getMeters()) {
            String run = m.getId().getTag("run");
            if (run != null) {
                withMeters.add(run);
            }
        }
        if (withMeters.isEmpty()) {
            return 0;
        }
        Set<String> old = new HashSet<>(
                store.finishedBefore(Instant.now().minus(config.retention().metricsMaxAge())));
        old.retainAll(withMeters);
        int removed = 0;
        for (Meter m : List.copyOf(meters.getMeters())) {
            if (old.contains(m.getId().getTag("run")) && meters.remove(m) != null) {
                removed++;
            }
        }
        return removed;
    }
}

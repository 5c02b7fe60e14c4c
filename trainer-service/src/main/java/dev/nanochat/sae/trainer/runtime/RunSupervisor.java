package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps this instance's runners in line with the database for the slots it owns: starts a runner
 * for a RUNNING run, asks it to pause/stop when the user says so, and settles idle runs directly.
 */
@ApplicationScoped
public class RunSupervisor {
    private static final Logger LOG = Logger.getLogger(RunSupervisor.class);
    private static final Duration RELEASE_TIMEOUT = Duration.ofMinutes(2);

    private final RunServices services;
    private final Map<Integer, RunRunner> runners = new ConcurrentHashMap<>();

    RunSupervisor(RunServices services) {
        this.services = services;
    }

    public synchronized void reconcile(int slot) {
        RunRunner current = runners.get(slot);
        if (current != null && !current.isAlive()) {
            runners.remove(slot);
            current = null;
        }
        Optional<RunEntity> found = services.store.activeInSlot(services.topics.runs(), slot);
        if (current != null) {
            if (found.isEmpty() || !found.get().id.equals(current.runId())) {
                current.requestStop(StopReason.ABANDON);
            } else if (found.get().desiredState == RunStatus.PAUSED) {
                current.requestStop(StopReason.PAUSE);
            } else if (found.get().desiredState == RunStatus.STOPPED) {
                current.requestStop(StopReason.STOP);
            }
            return;
        }
        if (found.isEmpty()) {
            return;
        }
        RunEntity run = found.get();
        switch (run.desiredState) {
            case RUNNING -> {
                RunRunner runner = new RunRunner(services, run);
                runners.put(slot, runner);
                runner.start();
            }
            case PAUSED -> {
                if (run.status != RunStatus.PAUSED) {
                    services.store.settle(run.id, -1, RunStatus.PAUSED, null);
                }
            }
            default -> {
                if (services.store.settle(run.id, -1, RunStatus.STOPPED, null)) {
                    services.notices.tombstone(run.id, slot);
                }
            }
        }
    }

    /** Ends the runners of these slots: checkpoint and hand over (graceful) or abandon; waits for them. */
    public synchronized void release(Collection<Integer> slots, boolean graceful) {
        List<RunRunner> stopping = new ArrayList<>();
        for (int slot : slots) {
            RunRunner r = runners.remove(slot);
            if (r != null) {
                r.requestStop(graceful ? StopReason.HANDOVER : StopReason.ABANDON);
                stopping.add(r);
            }
        }
        for (RunRunner r : stopping) {
            try {
                r.join(RELEASE_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (r.isAlive()) {
                LOG.warnf("run %s did not stop within %s; abandoning it", r.runId(), RELEASE_TIMEOUT);
                r.requestStop(StopReason.ABANDON);
            }
        }
    }

    public int activeRunners() {
        return (int) runners.values().stream().filter(RunRunner::isAlive).count();
    }
}

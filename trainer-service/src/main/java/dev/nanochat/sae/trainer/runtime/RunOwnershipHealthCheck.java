package dev.nanochat.sae.trainer.runtime;

import dev.nanochat.sae.trainer.kafka.RunOwnership;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once this instance has joined the trainer group; reports the slots it owns. */
@Readiness
@ApplicationScoped
public class RunOwnershipHealthCheck implements HealthCheck {
    private final TrainerLifecycle lifecycle;
    private final RunSupervisor supervisor;

    RunOwnershipHealthCheck(TrainerLifecycle lifecycle, RunSupervisor supervisor) {
        this.lifecycle = lifecycle;
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        RunOwnership ownership = lifecycle.ownership();
        return HealthCheckResponse.named("trainer-group")
                .status(ownership != null && ownership.isRunning())
                .withData(
                        "ownedSlots",
                        ownership == null ? "" : ownership.ownedSlots().toString())
                .withData("activeRuns", supervisor.activeRunners())
                .build();
    }
}

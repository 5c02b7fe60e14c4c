package dev.nanochat.sae.viz.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the live runtime. An unconfigured runtime is UP with {@code configured=false} (the viz
 * pages work without it); a configured one that failed to load is DOWN with the reason.
 */
@Readiness
@ApplicationScoped
public class RuntimeHealthCheck implements HealthCheck {
    @Inject
    RuntimeHolder holder;

    @Override
    public HealthCheckResponse call() {
        boolean configured = holder.configured();
        return HealthCheckResponse.named("sae-runtime")
                .status(holder.ready() || !configured)
                .withData("configured", configured)
                .withData("detail", holder.ready() ? "loaded" : holder.problem())
                .build();
    }
}

package dev.nanochat.sae.trainer.api;

import dev.nanochat.sae.support.problem.ProblemException;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import dev.nanochat.sae.trainer.persistence.RunStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Server-sent events of a run's training metrics. Read from PostgreSQL (refreshed by the owner
 * about once a second), so any instance can serve the stream whichever instance trains the run.
 * One event per change; the stream ends after the run reaches a terminal status.
 */
@Path("/api/runs/{id}/events")
public class RunEventsResource {
    private final RunStore store;

    RunEventsResource(RunStore store) {
        this.store = store;
    }

    @GET
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<RunView> events(@PathParam("id") String id) {
        store.find(id).orElseThrow(() -> ProblemException.notFound("no run with id '" + id + "'"));
        AtomicBoolean ended = new AtomicBoolean();
        return Multi.createFrom()
                .ticks()
                .every(Duration.ofMillis(500))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> store.find(id).map(RunView::of).orElse(null))
                .filter(Objects::nonNull)
                // take-while, inclusive of the first terminal view (before de-duplication, which would hide
                // the repeated terminal view that ends the stream)
                .select()
                .first(v -> !ended.getAndSet(RunStatus.valueOf(v.status()).terminal()))
                .skip()
                .repetitions();
    }
}

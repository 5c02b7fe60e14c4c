package dev.nanochat.sae.collector.api;

import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.service.CollectionManager;
import dev.nanochat.sae.collector.store.CollectionRepository;
import dev.nanochat.sae.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/collections")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CollectionResource {
    private final CollectionManager manager;
    private final CollectionRepository repository;

    CollectionResource(CollectionManager manager, CollectionRepository repository) {
        this.manager = manager;
        this.repository = repository;
    }

    @POST
    @Operation(
            summary = "Start a collection",
            description = "Validates the request, queues it and returns 202 with its id")
    public Response start(CollectionRequest request) {
        String id = manager.submit(request);
        return Response.accepted(Map.of("id", id))
                .location(URI.create("/api/collections/" + id))
                .build();
    }

    @GET
    @Operation(summary = "All collections, newest first")
    public List<CollectionView> list() {
        return repository.newestFirst().stream()
                .map(e -> CollectionView.of(e, manager.active(e.id)))
                .toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One collection: status, tokens, tokens/s, ETA, offsets per topic, resume position")
    public CollectionView get(@PathParam("id") String id) {
        return repository
                .byId(id)
                .map(e -> CollectionView.of(e, manager.active(e.id)))
                .orElseThrow(() -> new NotFoundException("no collection with id " + id));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Cancel a collection (202); 409 if it already finished")
    public Response cancel(@PathParam("id") String id) {
        boolean cancelled = manager.cancel(id).orElseThrow(() -> new NotFoundException("no collection with id " + id));
        if (!cancelled) {
            throw ProblemException.conflict("collection " + id + " has already finished");
        }
        return Response.accepted(Map.of("id", id)).build();
    }
}

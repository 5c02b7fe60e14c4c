package dev.nanochat.sae.evaluator.rest;

import dev.nanochat.sae.evaluator.service.HeldOutStore;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** How many held-out tokens the evaluator has for a (model, hook), e.g. to check a collection's eval split arrives. */
@Path("/api/held-out")
@Produces(MediaType.APPLICATION_JSON)
public class HeldOutResource {
    private final HeldOutStore store;

    HeldOutResource(HeldOutStore store) {
        this.store = store;
    }

    public record HeldOutSize(String modelId, String hook, long tokens) {}

    @GET
    public HeldOutSize size(@QueryParam("model") String model, @QueryParam("hook") String hook) {
        if (model == null || model.isBlank() || hook == null || hook.isBlank()) {
            throw new BadRequestException("query parameters 'model' and 'hook' are required");
        }
        return new HeldOutSize(model, hook, store.tokens(model, hook));
    }
}

package dev.nanochat.sae.viz.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Neuronpedia's read API on the live runtime: activation testing, search via inference, steering
 * (with {@code stream: true} as server-sent events {@code data: {json}} carrying the growing texts,
 * then the final body). Validation happens before any byte is streamed, so bad input is a 400.
 */
@Path("/api")
@Consumes(MediaType.APPLICATION_JSON)
public class RuntimeResource {
    @Inject
    RuntimeHolder holder;

    @Inject
    ObjectMapper json;

    @POST
    @Path("/activation/new")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> activation(JsonNode body) {
        return holder.call(
                body.path("feature").path("modelId").asText(null),
                body.path("feature").path("source").asText(null),
                api -> api.activation(body));
    }

    @POST
    @Path("/search-all")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchAll(JsonNode body) {
        return holder.call(
                body.path("modelId").asText(null), first(body.path("selectedLayers")), api -> api.searchAll(body));
    }

    @POST
    @Path("/runtime/track")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> track(JsonNode body) {
        return holder.call(
                modelOf(first(body.path("sources"))), sourceOf(first(body.path("sources"))), api -> api.track(body));
    }

    @POST
    @Path("/steer")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public Response steer(JsonNode body) {
        // The SAE of the first feature picks the runtime (one model steers all features of a request).
        JsonNode f0 = body.path("features").path(0);
        String model = f0.path("modelId").asText(body.path("modelId").asText(null)),
                source = f0.path("layer").asText(null);
        RuntimeApi.SteerPlan plan = holder.call(model, source, api -> api.steerPlan(body));
        if (!plan.stream()) {
            return Response.ok(
                            holder.call(model, source, api -> api.steerBody(plan, api.steer(plan, null))),
                            MediaType.APPLICATION_JSON)
                    .build();
        }
        StreamingOutput out = os -> holder.call(model, source, api -> {
            List<Integer> def = new ArrayList<>(), steered = new ArrayList<>();
            var result = api.steer(plan, (isSteered, token) -> {
                (isSteered ? steered : def).add(token);
                event(os, api.partial(plan, def, steered));
            });
            event(os, api.steerBody(plan, result));
            return null;
        });
        return Response.ok(out, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .build();
    }

    private static String first(JsonNode array) {
        return array.isArray() && !array.isEmpty() ? array.get(0).asText(null) : null;
    }

    private static String modelOf(String id) {
        return id == null || id.indexOf('/') < 0 ? null : id.substring(0, id.indexOf('/'));
    }

    private static String sourceOf(String id) {
        return id == null || id.indexOf('/') < 0 ? null : id.substring(id.indexOf('/') + 1);
    }

    private void event(OutputStream os, Object body) {
        try {
            os.write(("data: " + json.writeValueAsString(body) + "\n\n").getBytes(StandardCharsets.UTF_8));
            os.flush();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("client went away while streaming", e);
        }
    }
}

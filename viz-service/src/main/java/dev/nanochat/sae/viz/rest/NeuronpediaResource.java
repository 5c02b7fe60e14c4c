package dev.nanochat.sae.viz.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.viz.service.FeatureLookup;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Neuronpedia's read API on our dashboards: same paths, same field names, 404 with {@code {error}} for
 * anything unknown (as Neuronpedia answers), so tools written for Neuronpedia work against us.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class NeuronpediaResource {
    /** Most features one POST /api/features may ask for. */
    public static final int MAX_FEATURES = 100;

    @Inject
    FeatureLookup lookup;

    @Inject
    ObjectMapper json;

    @GET
    @Path("/feature/{modelId}/{source}/{index}")
    public Response feature(
            @PathParam("modelId") String modelId,
            @PathParam("source") String source,
            @PathParam("index") String index) {
        FeatureLookup.Found f = lookup.find(modelId, source, index);
        return f.found() ? Response.ok(f.row().neuronJson).build() : error(404, f.error());
    }

    /** Body {@code [{modelId, layer, index, maxActsToReturn?}]}; features come back in request order. */
    @POST
    @Path("/features")
    public Response features(JsonNode body) throws Exception {
        if (body == null || !body.isArray() || body.isEmpty() || body.size() > MAX_FEATURES) {
            return error(400, "Body must be a JSON array of 1.." + MAX_FEATURES + " {modelId, layer, index} objects");
        }
        ArrayNode out = json.createArrayNode();
        for (JsonNode q : body) {
            if (!q.hasNonNull("modelId") || !q.hasNonNull("layer") || !q.hasNonNull("index")) {
                return error(400, "Each entry needs modelId, layer and index, got " + q);
            }
            FeatureLookup.Found f = lookup.find(
                    q.get("modelId").asText(),
                    q.get("layer").asText(),
                    q.get("index").asText());
            if (!f.found()) return error(404, f.error());
            ObjectNode n = (ObjectNode) json.readTree(f.row().neuronJson);
            if (q.has("maxActsToReturn") && q.get("maxActsToReturn").canConvertToInt()) {
                int max = Math.max(0, q.get("maxActsToReturn").asInt());
                ArrayNode acts = (ArrayNode) n.get("activations");
                while (acts.size() > max) acts.remove(acts.size() - 1);
            }
            out.add(n);
        }
        return Response.ok(out).build();
    }

    private Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(json.createObjectNode().put("error", message))
                .build();
    }
}

package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.NeuronJson;
import dev.nanochat.sae.neuronpedia.NeuronpediaIds;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Reads every feature of one SAE from a server speaking Neuronpedia's read API (viz-service, or a
 * Neuronpedia instance) with {@code POST /api/features} in chunks, and turns them into
 * {@link SaeDashboards}.
 *
 * <p>Design: a feature the server does not know (null entry, {@code {error}}, 404) counts as not
 * analysed, i.e. dead. If no feature at all comes back the SAE has no dashboards yet and
 * {@link NoDashboardsException} is thrown: a package is never built from part of nothing.
 */
public final class DashboardReader {
    /** Most features one {@code POST /api/features} may ask for (viz-service answers 400 above it). */
    public static final int MAX_CHUNK = 100;

    private final NeuronpediaClient client;
    private final int chunk;

    /** {@code chunk} is capped at {@link #MAX_CHUNK}. */
    public DashboardReader(NeuronpediaClient client, int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        this.client = client;
        this.chunk = Math.min(chunk, MAX_CHUNK);
    }

    public SaeDashboards read(
            String modelId,
            String sourceId,
            String hookName,
            int dSae,
            String dataset,
            int nPrompts,
            int nTokensInPrompt,
            IntConsumer progress) {
        int layer = NeuronpediaIds.layerOf(sourceId);
        List<FeatureDashboard> out = new ArrayList<>();
        for (int from = 0; from < dSae; from += chunk) {
            int to = Math.min(dSae, from + chunk);
            ArrayNode req = NeuronpediaClient.JSON.createArrayNode();
            for (int i = from; i < to; i++)
                req.addObject().put("modelId", modelId).put("layer", sourceId).put("index", Integer.toString(i));
            JsonNode res;
            try {
                res = client.post("/api/features", req.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (NeuronpediaException e) {
                if (e.status() == 404)
                    throw new NoDashboardsException("no dashboards for " + modelId + "/" + sourceId + " at "
                            + client.baseUrl() + ": " + e.getMessage());
                throw e;
            }
            if (!res.isArray())
                throw new IllegalStateException("POST /api/features at " + client.baseUrl() + " answered "
                        + res.getNodeType() + ", not an array");
            for (JsonNode n : res) {
                if (n == null || n.isNull() || !n.isObject() || n.has("error")) continue;
                FeatureDashboard f = NeuronJson.toDashboard(n);
                if (f.index() >= from && f.index() < to) out.add(f);
            }
            progress.accept(to);
        }
        SaeDashboards d = new SaeDashboards(
                modelId,
                NeuronpediaIds.setNameOf(sourceId),
                layer,
                hookName,
                dataset,
                nPrompts,
                nTokensInPrompt,
                dSae,
                out);
        if (d.live().isEmpty())
            throw new NoDashboardsException(client.baseUrl() + " has no dashboards with examples for " + modelId + "/"
                    + sourceId + " (" + out.size()
                    + " features known, all dead or unanalysed): wait for the analysis, then export again");
        return d;
    }
}

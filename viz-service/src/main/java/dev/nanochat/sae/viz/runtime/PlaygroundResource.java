package dev.nanochat.sae.viz.runtime;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The playground page: text → tokens shaded by one feature and the top features per token; a steering
 * panel (default vs steered, streamed). {@code ?model=&source=&feature=} preselects a feature (what
 * {@code ./sae demo} prints). The page calls the runtime API from the browser. It lists the folder's
 * SAEs and those viz has analysed; feature links go to viz's feature pages for the latter.
 */
@Path("/playground")
public class PlaygroundResource {
    /** One SAE of the page; {@code page} = viz's feature-page prefix ("/saes/{id}/features/") or "" if not analysed. */
    public record Choice(String modelId, String source, String hook, int dSae, String page) {}

    @Inject
    RuntimeHolder holder;

    @Inject
    RegistryRuntimes registry;

    @Inject
    @Location("playground.html")
    Template page;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(
            @QueryParam("model") String model,
            @QueryParam("source") String source,
            @QueryParam("feature") Integer feature) {
        List<Choice> sources = holder.sources().stream()
                .map(s -> new Choice(
                        s.modelId(),
                        s.source(),
                        s.hook(),
                        s.dSae(),
                        registry.find(s.modelId(), s.source())
                                .map(d -> "/saes/" + d.id + "/features/")
                                .orElse("")))
                .toList();
        Choice selected = sources.stream()
                .filter(s -> s.modelId().equals(model) && s.source().equals(source))
                .findFirst()
                .orElse(sources.isEmpty() ? null : sources.get(0));
        return page.data("ready", !sources.isEmpty())
                .data("problem", holder.problem())
                .data("sources", sources)
                .data("selected", selected)
                .data("feature", feature == null ? 0 : feature)
                .data("maxTokens", RuntimeApi.MAX_N_TOKENS)
                .data("maxFeatures", RuntimeApi.MAX_FEATURES);
    }
}

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
 * {@code ./sae demo} prints). The page calls the runtime API from the browser.
 */
@Path("/playground")
public class PlaygroundResource {
    @Inject RuntimeHolder holder;
    @Inject @Location("playground.html") Template page;

    @GET @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@QueryParam("model") String model, @QueryParam("source") String source, @QueryParam("feature") Integer feature) {
        List<SaeSources.Source> sources = holder.sources();
        SaeSources.Source selected = sources.stream().filter(s -> s.modelId().equals(model) && s.source().equals(source)).findFirst()
                .orElse(sources.isEmpty() ? null : sources.get(0));
        return page.data("ready", !sources.isEmpty()).data("problem", holder.problem()).data("sources", sources)
                .data("selected", selected).data("feature", feature == null ? 0 : feature)
                .data("maxTokens", RuntimeApi.MAX_N_TOKENS).data("maxFeatures", RuntimeApi.MAX_FEATURES);
    }
}

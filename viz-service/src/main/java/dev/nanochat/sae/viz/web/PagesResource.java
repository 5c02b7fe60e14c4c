package dev.nanochat.sae.viz.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.viz.persistence.Dashboard;
import dev.nanochat.sae.viz.persistence.DashboardRepository;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.service.FeatureLookup;
import dev.nanochat.sae.viz.service.RunCurves;
import dev.nanochat.sae.viz.service.SaeViews;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The web UI, server-rendered with Qute on the shared layout {@code base.html}: runs with live curves,
 * SAE pages, the feature browser and feature pages. Every page has its own URL; a feature is also
 * reachable by its Neuronpedia address {@code /{modelId}/{source}/{index}}.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class PagesResource {
    @Inject
    @Location("runs.html")
    Template runs;

    @Inject
    @Location("saes.html")
    Template saes;

    @Inject
    @Location("sae.html")
    Template sae;

    @Inject
    @Location("features.html")
    Template features;

    @Inject
    @Location("feature.html")
    Template feature;

    @Inject
    @Location("jobs.html")
    Template jobs;

    @Inject
    SaeViews views;

    @Inject
    RunCurves curves;

    @Inject
    DashboardRepository dashboards;

    @Inject
    FeatureRepository featureRows;

    @Inject
    FeatureLookup lookup;

    @Inject
    ObjectMapper json;

    @GET
    public Response index() {
        return Response.seeOther(URI.create("/saes")).build();
    }

    @GET
    @Path("runs")
    public TemplateInstance runs() throws Exception {
        return runs.data("points", Embed.json(json.writeValueAsString(curves.all(RunCurves.MAX_POINTS_PER_RUN))))
                .data("jobs", views.jobs());
    }

    /** Page links of the feature browser (-1 = none). */
    @io.quarkus.qute.TemplateData
    public record Pager(int prev, int number, int next, int size) {}

    @GET
    @Path("jobs")
    public TemplateInstance jobs() {
        return jobs.data("jobs", views.jobs());
    }

    @GET
    @Path("saes")
    public TemplateInstance saes() throws Exception {
        return saes.data("saes", views.saes()).data("jobs", views.jobs());
    }

    @GET
    @Path("saes/{id}")
    public TemplateInstance sae(@PathParam("id") long id) throws Exception {
        var view = views.sae(id).orElseThrow(() -> new NotFoundException("no SAE dashboard " + id));
        return sae.data("sae", view)
                .data("saeJson", Embed.json(json.writeValueAsString(view)))
                .data("allJson", Embed.json(json.writeValueAsString(views.saes())));
    }

    @GET
    @Path("saes/{id}/features")
    public Object features(
            @PathParam("id") long id,
            @QueryParam("sort") @DefaultValue("index") String sort,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size,
            @QueryParam("jump") Integer jump) {
        if (jump != null)
            return Response.seeOther(URI.create("/saes/" + id + "/features/" + jump))
                    .build();
        var s = dev.nanochat.sae.viz.rest.SaeResource.sortOf(sort);
        int sz = Math.max(1, Math.min(dev.nanochat.sae.viz.rest.SaeResource.MAX_PAGE_SIZE, size));
        var list = views.features(id, s, Math.max(0, page), sz)
                .orElseThrow(() -> new NotFoundException("no SAE dashboard " + id));
        int pages = (int) list.get("pages");
        int p = (int) list.get("page");
        Pager pager = new Pager(p > 0 ? p - 1 : -1, p + 1, p + 1 < pages ? p + 1 : -1, sz);
        return features.data("list", list)
                .data("pager", pager)
                .data("sae", views.sae(id).orElseThrow());
    }

    @GET
    @Path("saes/{id}/features/{index}")
    @Transactional
    public TemplateInstance feature(@PathParam("id") long id, @PathParam("index") int index) throws Exception {
        Dashboard d = dashboards
                .findByIdOptional(id)
                .filter(x -> Dashboard.DONE.equals(x.status))
                .orElseThrow(() -> new NotFoundException("no SAE dashboard " + id));
        var row = featureRows
                .one(id, index)
                .orElseThrow(() -> new NotFoundException("no feature " + index + " in SAE " + id));
        return feature.data("f", FeaturePage.of(id, d.dSae, json.readTree(row.neuronJson)))
                .data("sae", views.sae(id).orElseThrow());
    }

    @GET
    @Path("{modelId}/{source}/{index}")
    public Response neuronpediaAddress(
            @PathParam("modelId") String modelId,
            @PathParam("source") String source,
            @PathParam("index") String index) {
        FeatureLookup.Found f = lookup.find(modelId, source, index);
        if (!f.found()) throw new NotFoundException(f.error());
        return Response.seeOther(URI.create("/saes/" + f.dashboard().id + "/features/" + f.row().idx))
                .build();
    }
}

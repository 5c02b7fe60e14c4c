package dev.nanochat.sae.viz.rest;

import dev.nanochat.sae.support.problem.ProblemException;
import dev.nanochat.sae.viz.persistence.FeatureRepository;
import dev.nanochat.sae.viz.service.SaeViews;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Native additions: every SAE with dashboards, a paged sortable feature list per SAE, analysis jobs. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class SaeResource {
    /** Largest page of the feature list. */
    public static final int MAX_PAGE_SIZE = 200;

    @Inject
    SaeViews views;

    @GET
    @Path("/saes")
    public List<Map<String, Object>> saes() {
        return views.saes();
    }

    @GET
    @Path("/saes/{id}")
    public Map<String, Object> sae(@PathParam("id") long id) {
        return views.sae(id).orElseThrow(() -> new NotFoundException("no SAE dashboard " + id));
    }

    @GET
    @Path("/saes/{id}/features")
    public Map<String, Object> features(
            @PathParam("id") long id,
            @QueryParam("sort") @DefaultValue("index") String sort,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        if (size < 1 || size > MAX_PAGE_SIZE || page < 0) {
            throw ProblemException.badRequest(
                    "page must be ≥ 0 and size 1.." + MAX_PAGE_SIZE + ", got page " + page + ", size " + size);
        }
        return views.features(id, sortOf(sort), page, size)
                .orElseThrow(() -> new NotFoundException("no SAE dashboard " + id));
    }

    @GET
    @Path("/jobs")
    public List<Map<String, Object>> jobs() {
        return views.jobs();
    }

    public static FeatureRepository.Sort sortOf(String s) {
        try {
            return FeatureRepository.Sort.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(
                    "sort", "sort must be one of index, density, density_asc, max_act; got '" + s + "'");
        }
    }
}

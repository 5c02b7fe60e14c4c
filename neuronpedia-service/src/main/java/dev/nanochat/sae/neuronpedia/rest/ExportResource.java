package dev.nanochat.sae.neuronpedia.rest;

import dev.nanochat.sae.neuronpedia.persistence.ExportJob;
import dev.nanochat.sae.neuronpedia.persistence.UploadJob;
import dev.nanochat.sae.neuronpedia.service.ExportRequest;
import dev.nanochat.sae.neuronpedia.service.ExportService;
import dev.nanochat.sae.neuronpedia.service.UploadService;
import dev.nanochat.sae.support.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.util.List;
import java.util.NoSuchElementException;

/** Exports (packages) and their uploads. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {
    @Inject
    ExportService exports;

    @Inject
    UploadService uploads;

    /** Body of POST /api/exports/{id}/upload: the site root (default from config) and whether to dry-run. */
    public record UploadRequest(String baseUrl, Boolean dryRun) {}

    @POST
    @Path("/exports")
    public Response create(ExportRequest r) {
        if (r == null) throw ProblemException.badRequest("a JSON body {path, modelId, sourceId, hookName} is required");
        return Response.accepted(ExportView.of(exports.request(r), false)).build();
    }

    @GET
    @Path("/exports")
    public List<ExportView> list() {
        return ExportJob.<ExportJob>listAll(Sort.descending("id")).stream()
                .map(j -> ExportView.of(j, false))
                .toList();
    }

    @GET
    @Path("/exports/{id}")
    public ExportView get(@PathParam("id") long id) {
        return ExportView.of(find(id), true);
    }

    @GET
    @Path("/exports/{id}/archive")
    @Produces("application/gzip")
    public Response archive(@PathParam("id") long id) {
        ExportJob j = find(id);
        if (!ExportJob.READY.equals(j.status)
                || j.archivePath == null
                || !Files.isRegularFile(java.nio.file.Path.of(j.archivePath)))
            throw ProblemException.conflict("export " + id + " is " + j.status + ": no archive yet");
        java.nio.file.Path a = java.nio.file.Path.of(j.archivePath);
        return Response.ok(a.toFile(), "application/gzip")
                .header("content-disposition", "attachment; filename=\"" + a.getFileName() + "\"")
                .build();
    }

    @POST
    @Path("/exports/{id}/upload")
    public Response upload(@PathParam("id") long id, UploadRequest r) {
        UploadJob job = uploads.start(id, r == null ? null : r.baseUrl(), r != null && Boolean.TRUE.equals(r.dryRun()));
        return Response.accepted(UploadView.of(job)).build();
    }

    @GET
    @Path("/uploads/{id}")
    public UploadView uploadStatus(@PathParam("id") long id) {
        return UploadView.of(UploadJob.<UploadJob>findByIdOptional(id)
                .orElseThrow(() -> new NoSuchElementException("upload " + id + " does not exist")));
    }

    private static ExportJob find(long id) {
        return ExportJob.<ExportJob>findByIdOptional(id)
                .orElseThrow(() -> new NoSuchElementException("export " + id + " does not exist"));
    }
}

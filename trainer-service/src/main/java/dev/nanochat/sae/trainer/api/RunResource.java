package dev.nanochat.sae.trainer.api;

import dev.nanochat.sae.support.problem.ProblemException;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import dev.nanochat.sae.trainer.persistence.RunStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** Create, list, inspect and steer training runs. */
@Path("/api/runs")
public class RunResource {
    private final RunCommands commands;
    private final RunStore store;

    RunResource(RunCommands commands, RunStore store) {
        this.commands = commands;
        this.store = store;
    }

    @POST
    public Response create(RunRequest request) throws Exception {
        RunEntity run = commands.create(request);
        return Response.created(URI.create("/api/runs/" + run.id))
                .entity(RunView.of(run))
                .build();
    }

    @GET
    public List<RunView> list() {
        return store.list().stream().map(RunView::of).toList();
    }

    @GET
    @Path("{id}")
    public RunView get(@PathParam("id") String id) {
        return RunView.of(find(id));
    }

    @GET
    @Path("{id}/checkpoints")
    public List<CheckpointView> checkpoints(@PathParam("id") String id) {
        find(id);
        return store.checkpoints(id).stream().map(CheckpointView::of).toList();
    }

    @POST
    @Path("{id}/pause")
    public RunView pause(@PathParam("id") String id) throws Exception {
        return RunView.of(commands.control(id, RunStatus.PAUSED));
    }

    @POST
    @Path("{id}/resume")
    public RunView resume(@PathParam("id") String id) throws Exception {
        return RunView.of(commands.control(id, RunStatus.RUNNING));
    }

    @POST
    @Path("{id}/stop")
    public RunView stop(@PathParam("id") String id) throws Exception {
        return RunView.of(commands.control(id, RunStatus.STOPPED));
    }

    private RunEntity find(String id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("no run with id '" + id + "'"));
    }
}

package dev.nanochat.sae.viz.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.viz.persistence.RunPoint;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Training curves from checkpoint events: each event's metrics become a stored point (idempotent per
 * run and step) and are broadcast to every open runs page over SSE, so curves move while a run trains.
 */
@ApplicationScoped
public class RunCurves {
    @Inject
    ObjectMapper json;

    private final BroadcastProcessor<String> broadcast = BroadcastProcessor.create();

    public void record(CheckpointEvent e) throws Exception {
        ObjectNode metrics = json.createObjectNode();
        e.metrics().forEach((k, v) -> {
            if (Double.isFinite(v)) metrics.put(k, v);
        });
        String metricsJson = json.writeValueAsString(metrics);
        boolean fresh = QuarkusTransaction.requiringNew().call(() -> {
            RunPoint.Key key = new RunPoint.Key();
            key.runId = e.runId();
            key.step = e.step();
            if (RunPoint.findById(key) != null) return false;
            RunPoint p = new RunPoint();
            p.runId = e.runId();
            p.step = e.step();
            p.tokens = e.tokens();
            p.finalCheckpoint = e.finalCheckpoint();
            p.modelId = e.modelId();
            p.hookName = e.hook();
            p.metricsJson = metricsJson;
            p.persist();
            return true;
        });
        if (fresh)
            broadcast.onNext(
                    json.writeValueAsString(point(e.runId(), e.step(), e.tokens(), e.finalCheckpoint(), metrics)));
    }

    public ObjectNode point(String runId, long step, long tokens, boolean fin, ObjectNode metrics) {
        ObjectNode o = json.createObjectNode();
        o.put("runId", runId);
        o.put("step", step);
        o.put("tokens", tokens);
        o.put("final", fin);
        o.set("metrics", metrics);
        return o;
    }

    /** Every stored point, oldest first (the page's initial curves). */
    public List<ObjectNode> all() {
        return QuarkusTransaction.requiringNew().call(() -> RunPoint.<RunPoint>list("order by runId, step").stream()
                .map(p -> {
                    try {
                        return point(p.runId, p.step, p.tokens, p.finalCheckpoint, (ObjectNode)
                                json.readTree(p.metricsJson));
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                })
                .toList());
    }

    /** New points as they arrive. */
    public Multi<String> stream() {
        return broadcast;
    }
}

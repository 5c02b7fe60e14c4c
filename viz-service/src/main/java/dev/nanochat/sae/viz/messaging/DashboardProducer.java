package dev.nanochat.sae.viz.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.viz.persistence.Dashboard;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Announces completed dashboards on {@code sae.dashboards} as a CloudEvent (type
 * {@value #TYPE}, id = the checkpoint event id, key = run id); data names the Neuronpedia source and
 * where its features are served.
 */
@ApplicationScoped
public class DashboardProducer {
    public static final String TYPE = "dev.nanochat.sae.dashboards";

    @Inject
    @Channel("dashboards")
    Emitter<String> emitter;

    @Inject
    ObjectMapper json;

    public void publish(Dashboard d, long features) throws Exception {
        ObjectNode e = json.createObjectNode();
        e.put("specversion", "1.0");
        e.put("type", TYPE);
        e.put("source", "/viz");
        e.put("id", d.checkpointId);
        e.put("time", d.finishedAt.toString());
        ObjectNode data = e.putObject("data");
        data.put("checkpointId", d.checkpointId);
        data.put("runId", d.runId);
        data.put("step", d.step);
        data.put("final", d.finalCheckpoint);
        data.put("modelId", d.modelId);
        data.put("sourceId", d.sourceId);
        data.put("hookName", d.hookName);
        data.put("architecture", d.architecture);
        data.put("dSae", d.dSae);
        data.put("path", d.path);
        data.put("features", features);
        data.put("tokens", d.tokens);
        data.put("featureApi", "/api/feature/" + d.modelId + "/" + d.sourceId + "/{index}");
        data.put("saeApi", "/api/saes/" + d.id);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(json.writeValueAsString(e))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(d.runId)
                        .build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(t -> {
                    acked.completeExceptionally(t);
                    return CompletableFuture.completedFuture(null);
                }));
        acked.get(60, TimeUnit.SECONDS);
    }
}

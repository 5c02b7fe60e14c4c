package dev.nanochat.sae.evaluator.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.evaluator.rest.EvaluationView;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes each new evaluation on {@code sae.evaluations} as a CloudEvents 1.0 structured JSON event
 * (type {@value #TYPE}, id = runId:step, data = the evaluation as served by REST), keyed by run id.
 */
@ApplicationScoped
public class EvaluationProducer {
    public static final String TYPE = "dev.nanochat.sae.evaluation";

    private final Emitter<String> emitter;
    private final ObjectMapper mapper;

    EvaluationProducer(@Channel("evaluations") Emitter<String> emitter, ObjectMapper mapper) {
        this.emitter = emitter;
        this.mapper = mapper;
    }

    public void publish(EvaluationView view) {
        ObjectNode event = mapper.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", view.runId() + ":" + view.step());
        event.put("source", "/evaluator");
        event.put("type", TYPE);
        event.put("time", Instant.now().toString());
        event.put("datacontenttype", "application/json");
        event.set("data", mapper.valueToTree(view));
        emitter.send(Message.of(event.toString())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(view.runId())
                        .build()));
    }
}

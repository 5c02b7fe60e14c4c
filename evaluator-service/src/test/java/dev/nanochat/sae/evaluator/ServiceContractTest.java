package dev.nanochat.sae.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.support.contract.ServiceContract;
import dev.nanochat.sae.support.kafka.TopicNames;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and the shared problem+json mapping, as every service serves them. */
@QuarkusTest
class ServiceContractTest extends ServiceContract {
    @Inject
    TopicNames topics;

    @ConfigProperty(name = "mp.messaging.incoming.checkpoints.topic")
    String checkpointsChannel;

    @ConfigProperty(name = "mp.messaging.outgoing.evaluations.topic")
    String evaluationsChannel;

    /** The channels are configured in application.properties; they must name the shared topics. */
    @Test
    void channel_topics_are_the_shared_topic_names() {
        assertEquals(topics.checkpoints(), checkpointsChannel);
        assertEquals(topics.evaluations(), evaluationsChannel);
        assertEquals(KafkaAndRootsResource.CHECKPOINTS, checkpointsChannel, "the test suffix reaches the channel");
    }
}

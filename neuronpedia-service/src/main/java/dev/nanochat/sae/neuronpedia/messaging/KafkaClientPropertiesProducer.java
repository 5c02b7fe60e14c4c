package dev.nanochat.sae.neuronpedia.messaging;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * service-support's KafkaClientProperties has two constructors and none marked @Inject, so ArC does not
 * make it a bean and DeadLetterPublisher cannot be injected. Until service-support marks its Config
 * constructor @Inject (then delete this file), produce it from kafka.bootstrap.servers here.
 */
@ApplicationScoped
public class KafkaClientPropertiesProducer {
    @Produces
    @ApplicationScoped
    KafkaClientProperties kafkaClientProperties(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return new KafkaClientProperties(Map.of("bootstrap.servers", bootstrap));
    }
}

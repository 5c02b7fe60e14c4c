package dev.nanochat.sae.viz.service;

import dev.nanochat.sae.support.kafka.KafkaClientProperties;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Supplies service-support's {@link KafkaClientProperties} as a bean: its class declares two
 * constructors and no {@code @Inject}, so ArC skips it and DeadLetterPublisher could not be injected.
 * Remove this once service-support marks its Config constructor with {@code @Inject}.
 */
public class KafkaSupport {
  @Produces
  @Singleton
  KafkaClientProperties kafkaClientProperties(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
    return new KafkaClientProperties(Map.of("bootstrap.servers", bootstrap));
  }
}

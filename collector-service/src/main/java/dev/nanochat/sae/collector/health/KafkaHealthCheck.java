package dev.nanochat.sae.collector.health;

import dev.nanochat.sae.collector.collection.ActivationStreamSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the broker answers a describe-cluster within 3 s. */
@Readiness
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {
    private final ActivationStreamSettings kafka;

    KafkaHealthCheck(ActivationStreamSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("kafka").withData("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(kafka.adminProperties("collector-health"))) {
            int nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
            return builder.up().withData("brokers", nodes).build();
        } catch (Exception e) {
            return builder.down().withData("error", String.valueOf(e)).build();
        }
    }
}

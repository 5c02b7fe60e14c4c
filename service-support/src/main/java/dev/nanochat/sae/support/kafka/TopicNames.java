package dev.nanochat.sae.support.kafka;

import dev.nanochat.sae.core.records.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The fixed topic names of {@link Topics}, as a service uses them. The only knob is
 * {@code sae.topics.suffix} (default empty), which tests set so that concurrent test JVMs on one
 * broker never read each other's events; production never sets it. Activation topics are
 * {@link Topics#activations} and take no suffix (tests name them uniquely by model id).
 */
@ApplicationScoped
public class TopicNames {
    private final String suffix;

    // Optional, not defaultValue = "": SmallRye treats an empty value as missing and would refuse to start.
    @Inject
    TopicNames(@ConfigProperty(name = "sae.topics.suffix") Optional<String> suffix) {
        this(suffix.orElse(""));
    }

    TopicNames(String suffix) {
        this.suffix = suffix == null ? "" : suffix;
    }

    public String checkpoints() {
        return Topics.CHECKPOINTS + suffix;
    }

    public String trainingProgress() {
        return Topics.TRAINING_PROGRESS + suffix;
    }

    public String evaluations() {
        return Topics.EVALUATIONS + suffix;
    }

    public String dlq() {
        return Topics.DLQ + suffix;
    }

    public String runs() {
        return Topics.RUNS + suffix;
    }
}

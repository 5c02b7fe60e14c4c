package dev.nanochat.sae.trainer.api;

import dev.nanochat.sae.core.SaeConfig;

import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.trainer.kafka.ControlNotices;
import dev.nanochat.sae.trainer.persistence.RunEntity;
import dev.nanochat.sae.trainer.persistence.RunStatus;
import dev.nanochat.sae.trainer.persistence.RunStore;
import dev.nanochat.sae.trainer.runtime.DeviceSelector;
import dev.nanochat.sae.trainer.runtime.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.regex.Pattern;

/** Turns requests into run rows plus a control notice that wakes the slot's owner. */
@ApplicationScoped
public class RunCommands {
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final RunStore store;
    private final ControlNotices notices;
    private final TrainerConfig config;

    RunCommands(RunStore store, ControlNotices notices, TrainerConfig config) {
        this.store = store;
        this.notices = notices;
        this.config = config;
    }

    public RunEntity create(RunRequest req) throws Exception {
        if (req == null || req.sae() == null) {
            throw new ApiException(400, "request needs 'sae' (an SAE config object with at least d_in, architecture)");
        }
        String topic = topicOf(req);
        SaeConfig parsed = SaeConfig.fromJson(req.sae());
        int batch = positive("batchTokens", req.batchTokens() == null ? parsed.batchSize() : req.batchTokens());
        int shuffle = positive("shuffleBufferTokens", req.shuffleBufferTokens() == null ? 8 * batch
                : req.shuffleBufferTokens());
        long every = positive("checkpointEveryTokens", req.checkpointEveryTokens() == null ? 1_000_000L
                : req.checkpointEveryTokens());
        if (req.stopAfterTokens() != null) {
            positive("stopAfterTokens", req.stopAfterTokens());
        }
        String device = DeviceSelector.choose(req.device(), config.defaultDevice());
        SaeConfig sae = parsed.toBuilder().batchSize(batch)
                .hookPoint(parsed.hookPoint().isEmpty() && req.hook() != null ? req.hook() : parsed.hookPoint())
                .modelName(parsed.modelName().isEmpty() && req.modelId() != null ? req.modelId() : parsed.modelName())
                .build();
        RunEntity run = new RunEntity();
        run.id = UUID.randomUUID().toString();
        run.controlTopic = config.controlTopic();
        run.activationTopic = topic;
        run.modelId = req.modelId();
        run.hook = req.hook();
        run.saeConfig = sae.toJson().toString();
        run.batchTokens = batch;
        run.shuffleBufferTokens = Math.max(shuffle, batch);
        run.checkpointEveryTokens = every;
        run.stopAfterTokens = req.stopAfterTokens();
        run.device = device;
        run.desiredState = RunStatus.RUNNING;
        run.status = RunStatus.PENDING;
        RunEntity created = store.create(run, config.runSlots()).orElseThrow(() -> new ApiException(409,
                "all " + config.runSlots() + " run slots hold unfinished runs; stop one first"));
        notices.notify(created.id, created.slot, created.desiredState.name());
        return created;
    }

    /** Pause, resume or stop; 404 for unknown runs, 409 for finished ones. */
    public RunEntity control(String id, RunStatus desired) throws Exception {
        RunEntity run = store.setDesired(id, desired)
                .orElseThrow(() -> new ApiException(404, "no run with id '" + id + "'"));
        if (run.finished()) {
            throw new ApiException(409, "run " + id + " is " + run.status + "; it cannot be " + desired);
        }
        notices.notify(run.id, run.slot, desired.name());
        return run;
    }

    private static String topicOf(RunRequest req) {
        if (req.activationTopic() != null && !req.activationTopic().isBlank()) {
            if (!TOPIC.matcher(req.activationTopic()).matches()) {
                throw new ApiException(400, "activationTopic '" + req.activationTopic()
                        + "' is not a legal Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
            }
            return req.activationTopic();
        }
        if (req.modelId() == null || req.hook() == null) {
            throw new ApiException(400, "give either activationTopic or both modelId and hook");
        }
        return Topics.activations(req.modelId(), req.hook());
    }

    private static <N extends Number> N positive(String field, N value) {
        if (value.longValue() <= 0) {
            throw new ApiException(400, field + " must be positive, got " + value);
        }
        return value;
    }
}

package dev.nanochat.sae.trainer.api;

import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.core.train.TrainingDevice;
import dev.nanochat.sae.core.train.TrainingFootprint;
import dev.nanochat.sae.core.train.TrainingOptions;
import dev.nanochat.sae.support.kafka.TopicNames;
import dev.nanochat.sae.support.problem.ProblemException;
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
    private final TopicNames topics;

    RunCommands(RunStore store, ControlNotices notices, TrainerConfig config, TopicNames topics) {
        this.store = store;
        this.notices = notices;
        this.config = config;
        this.topics = topics;
    }

    public RunEntity create(RunRequest req) throws Exception {
        if (req == null || req.sae() == null) {
            throw ProblemException.badRequest(
                    "request needs 'sae' (an SAE config object with at least d_in, architecture)");
        }
        String topic = topicOf(req);
        SaeConfig parsed = SaeConfig.fromJson(req.sae());
        int batch = positive("batchTokens", req.batchTokens() == null ? parsed.batchSize() : req.batchTokens());
        int shuffle = positive(
                "shuffleBufferTokens", req.shuffleBufferTokens() == null ? 8 * batch : req.shuffleBufferTokens());
        long every = positive(
                "checkpointEveryTokens",
                req.checkpointEveryTokens() == null ? 1_000_000L : req.checkpointEveryTokens());
        if (req.stopAfterTokens() != null) {
            positive("stopAfterTokens", req.stopAfterTokens());
        }
        String device = DeviceSelector.choose(req.device(), config.defaultDevice());
        // Model and hook names go into cfg.json's metadata: from the request, else from the topic name.
        String[] fromTopic = modelAndHook(topic);
        String hook = req.hook() != null ? req.hook() : fromTopic[1];
        String model = req.modelId() != null ? req.modelId() : fromTopic[0];
        SaeConfig sae = parsed.toBuilder()
                .batchSize(batch)
                .hookPoint(parsed.hookPoint().isEmpty() && hook != null ? hook : parsed.hookPoint())
                .modelName(parsed.modelName().isEmpty() && model != null ? model : parsed.modelName())
                .build();
        checkFits(sae, batch, Math.max(shuffle, batch), device);
        RunEntity run = new RunEntity();
        run.id = UUID.randomUUID().toString();
        run.controlTopic = topics.runs();
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
        RunEntity created = store.create(run, config.runSlots())
                .orElseThrow(() -> ProblemException.conflict(
                        "all " + config.runSlots() + " run slots hold unfinished runs; stop one first"));
        notices.notify(created.id, created.slot, created.desiredState.name());
        return created;
    }

    /** Refuses a run whose memory estimate exceeds the device's per-run limit, or a device already full. */
    private void checkFits(SaeConfig sae, int batch, int shuffle, String device) {
        TrainingOptions.KernelPath path = SaeConfig.usesK(sae.architecture())
                ? TrainingOptions.defaults(0, device).effectiveKernelPath()
                : TrainingOptions.KernelPath.DENSE;
        TrainingFootprint need = TrainingFootprint.of(sae, batch, shuffle, path);
        Long limitMb = config.deviceMemoryMb()
                .orElse(
                        TrainingDevice.isGpu(device)
                                ? null
                                : Runtime.getRuntime().maxMemory() >> 20);
        if (limitMb != null && need.totalBytes() > (limitMb << 20)) {
            throw ProblemException.badRequest(
                    "run needs about " + TrainingFootprint.mib(need.totalBytes()) + " on " + device
                            + " (d_sae " + sae.dSae() + ", d_in " + sae.dIn() + ", batchTokens " + batch
                            + ", shuffleBufferTokens "
                            + shuffle + ", " + path + " path), more than the per-run limit of " + limitMb + " MiB"
                            + " (sae.trainer.device-memory-mb); use a smaller d_sae, batch or shuffle buffer");
        }
        long onDevice = store.unfinishedOnDevice(topics.runs(), device);
        if (onDevice >= config.runsPerDevice()) {
            throw ProblemException.conflict(device + " already holds " + onDevice + " unfinished runs, the limit"
                    + " (sae.trainer.runs-per-device = " + config.runsPerDevice() + "); stop one first");
        }
    }

    /** {model, hook} of a {@code sae.activations.<model>.<hook>} topic whose hook starts with "blocks."; nulls otherwise. */
    static String[] modelAndHook(String topic) {
        if (!topic.startsWith(Topics.ACTIVATIONS_PREFIX)) return new String[2];
        String rest = topic.substring(Topics.ACTIVATIONS_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || !rest.startsWith("blocks.", dot + 1)) return new String[2];
        return new String[] {rest.substring(0, dot), rest.substring(dot + 1)};
    }

    /** Pause, resume or stop; 404 for unknown runs, 409 for finished ones. */
    public RunEntity control(String id, RunStatus desired) throws Exception {
        RunEntity run = store.setDesired(id, desired)
                .orElseThrow(() -> ProblemException.notFound("no run with id '" + id + "'"));
        if (run.finished()) {
            throw ProblemException.conflict("run " + id + " is " + run.status + "; it cannot be " + desired);
        }
        notices.notify(run.id, run.slot, desired.name());
        return run;
    }

    private static String topicOf(RunRequest req) {
        if (req.activationTopic() != null && !req.activationTopic().isBlank()) {
            if (!TOPIC.matcher(req.activationTopic()).matches()) {
                throw ProblemException.badRequest("activationTopic '" + req.activationTopic()
                        + "' is not a legal Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
            }
            return req.activationTopic();
        }
        if (req.modelId() == null || req.hook() == null) {
            throw ProblemException.badRequest("give either activationTopic or both modelId and hook");
        }
        return Topics.activations(req.modelId(), req.hook());
    }

    private static <N extends Number> N positive(String field, N value) {
        if (value.longValue() <= 0) {
            throw ProblemException.badRequest(field + " must be positive, got " + value);
        }
        return value;
    }
}

package dev.nanochat.sae.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.io.AtomicDirectory;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checkpoint layout: the SAELens folder (exported, raw scale) plus {@code training_state/}:
 * {@code state.json} (config, options incl. device, step, tokens, input scale bits, RNG state, Adam step, window
 * counters, source position), {@code params.safetensors} (the exact training parameters on the
 * normalised scale — the exported weights are rescaled and could not be resumed bit-exactly),
 * {@code optimizer.safetensors} (m.NAME, v.NAME) and {@code activity.safetensors} (dead-latent counters).
 * The whole folder is written through {@link AtomicDirectory}, so a crash never leaves a checkpoint
 * that looks complete but is not.
 */
public final class TrainingState {
    static final String DIR = "training_state";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingState() {}

    static void write(Trainer t, Path dir, Map<String, String> sourcePosition) {
        try (Sae sae = t.exportSae()) {
            float[] density = t.log10Density();
            AtomicDirectory.write(dir, tmp -> {
                sae.save(tmp, density);
                Path st = Files.createDirectories(tmp.resolve(DIR));
                Files.write(st.resolve("state.json"), JSON.writeValueAsBytes(stateJson(t, sourcePosition)));
                Safetensors.Writer params = new Safetensors.Writer();
                for (Params.Entry e : t.params.entries()) params.f32(e.name(), e.shape(), e.data());
                params.write(st.resolve("params.safetensors"));
                Safetensors.Writer opt = new Safetensors.Writer();
                for (Params.Entry e : t.adam.m.entries()) opt.f32("m." + e.name(), e.shape(), e.data());
                for (Params.Entry e : t.adam.v.entries()) opt.f32("v." + e.name(), e.shape(), e.data());
                opt.write(st.resolve("optimizer.safetensors"));
                long[] shape = {t.cfg.dSae()};
                new Safetensors.Writer()
                        .i64("last_fired", shape, t.activity.lastFired)
                        .i64("window_counts", shape, t.activity.windowCounts)
                        .i64("last_window_counts", shape, t.activity.lastWindowCounts)
                        .i64("pending_fired", shape, t.activity.pending)
                        .write(st.resolve("activity.safetensors"));
            });
        }
    }

    private static ObjectNode stateJson(Trainer t, Map<String, String> sourcePosition) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format_version", FORMAT_VERSION);
        o.set("config", t.cfg.toJson());
        ObjectNode opts = o.putObject("options");
        opts.put("total_tokens", t.opts.totalTokens())
                .put("threads", t.opts.threads())
                .put("kernel_path", t.kernelPath().name())
                .put("device", t.opts.device())
                .put("metrics_every", t.opts.metricsEvery());
        o.put("step", t.step)
                .put("tokens", t.tokens)
                .put("initialised", t.initialised)
                .put("input_scale", t.scale)
                .put("input_scale_bits", Float.floatToRawIntBits(t.scale))
                .put("rng_state", t.rng.state())
                .put("adam_step", t.adam.t)
                .put("window_start_tokens", t.activity.windowStartTokens)
                .put("last_window_tokens", t.activity.lastWindowTokens)
                .put("total_steps", t.totalSteps())
                .put("next_lr", LrSchedule.lr(t.cfg, t.step, t.totalSteps()));
        ObjectNode pos = o.putObject("source_position");
        new java.util.TreeMap<>(sourcePosition).forEach(pos::put);
        return o;
    }

    /** deviceOverride: null = the device stored in the checkpoint ("cpu" for checkpoints older than devices). */
    static Trainer read(Path dir, String deviceOverride) {
        Path st = dir.resolve(DIR);
        if (!Files.isDirectory(st))
            throw new IllegalArgumentException(
                    dir + " has no " + DIR + "/ — not a training checkpoint (an exported SAE cannot be resumed)");
        if (!AtomicDirectory.isComplete(dir))
            throw new IllegalArgumentException(dir + " is not a complete checkpoint (missing completion marker)");
        JsonNode o;
        try {
            o = JSON.readTree(st.resolve("state.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(st.resolve("state.json") + ": " + e.getMessage(), e);
        }
        if (o.path("format_version").asInt() != FORMAT_VERSION)
            throw new IllegalArgumentException(
                    st.resolve("state.json") + ": unsupported format_version " + o.get("format_version"));
        SaeConfig cfg = SaeConfig.fromJson(o.get("config"));
        JsonNode jo = o.get("options");
        // The checkpoint records the kernel path its steps actually took, and a resume on the same device
        // takes it again, so the resumed run equals the uninterrupted one. On another device the path is
        // re-chosen for that device (the sparse host kernels cannot run on a GPU) and the trainer says so.
        String storedDevice = TrainingDevice.normalise(jo.path("device").asText(TrainingDevice.CPU));
        TrainingOptions.KernelPath storedPath =
                TrainingOptions.KernelPath.valueOf(jo.get("kernel_path").asText());
        String device = deviceOverride != null ? TrainingDevice.normalise(deviceOverride) : storedDevice;
        boolean moved = !device.equals(storedDevice);
        TrainingOptions.KernelPath kernelPath =
                moved && storedPath == TrainingOptions.KernelPath.SPARSE && TrainingDevice.isGpu(device)
                        ? TrainingOptions.KernelPath.AUTO
                        : storedPath;
        // metrics_every also paces the dense path's fired-count reads, so the resumed run keeps it (0, the
        // per-device default, where older checkpoints have none).
        TrainingOptions opts = new TrainingOptions(
                jo.get("total_tokens").asLong(),
                jo.get("threads").asInt(),
                kernelPath,
                device,
                jo.path("metrics_every").asInt(0));
        Trainer t = new Trainer(cfg, opts);
        if (moved)
            t.resumeNote = "resumed on " + device + " from a checkpoint trained on " + storedDevice + " (" + storedPath
                    + " → " + t.kernelPath() + " path; not bit-identical to an uninterrupted run)";
        SafetensorsFile params = Safetensors.read(st.resolve("params.safetensors"));
        for (Params.Entry e : t.params.entries()) copy(params, e.name(), e.data());
        SafetensorsFile opt = Safetensors.read(st.resolve("optimizer.safetensors"));
        for (Params.Entry e : t.adam.m.entries()) copy(opt, "m." + e.name(), e.data());
        for (Params.Entry e : t.adam.v.entries()) copy(opt, "v." + e.name(), e.data());
        SafetensorsFile act = Safetensors.read(st.resolve("activity.safetensors"));
        copy(act, "last_fired", t.activity.lastFired);
        copy(act, "window_counts", t.activity.windowCounts);
        copy(act, "last_window_counts", t.activity.lastWindowCounts);
        if (act.has("pending_fired")) copy(act, "pending_fired", t.activity.pending); // absent in older checkpoints
        t.step = o.get("step").asLong();
        t.tokens = o.get("tokens").asLong();
        t.initialised = o.get("initialised").asBoolean();
        t.scale = Float.intBitsToFloat(o.get("input_scale_bits").asInt());
        t.rng.restore(o.get("rng_state").asLong());
        t.adam.t = o.get("adam_step").asLong();
        t.activity.windowStartTokens = o.get("window_start_tokens").asLong();
        t.activity.lastWindowTokens = o.get("last_window_tokens").asLong();
        Map<String, String> pos = new LinkedHashMap<>();
        o.path("source_position")
                .fields()
                .forEachRemaining(e -> pos.put(e.getKey(), e.getValue().asText()));
        t.sourcePosition = Map.copyOf(pos);
        t.hostChanged(); // the device copy (dense path) still holds the fresh-init weights
        return t;
    }

    private static void copy(SafetensorsFile f, String name, float[] into) {
        float[] src = f.floats(name);
        if (src.length != into.length)
            throw new IllegalArgumentException(
                    "checkpoint tensor '" + name + "' has " + src.length + " values, expected " + into.length);
        System.arraycopy(src, 0, into, 0, into.length);
    }

    private static void copy(SafetensorsFile f, String name, long[] into) {
        long[] src = f.longs(name);
        if (src.length != into.length)
            throw new IllegalArgumentException(
                    "checkpoint tensor '" + name + "' has " + src.length + " values, expected " + into.length);
        System.arraycopy(src, 0, into, 0, into.length);
    }
}

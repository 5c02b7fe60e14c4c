package dev.nanochat.sae.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.Generator;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.Intervention;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.SamplingOptions;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * A nanochat model with any number of SAEs at its hooks: forwards and KV-cache generations with
 * features tracked per hook and features steered (additive, clamp, ablate).
 *
 * <p>Design: the runtime only builds {@link Intervention}s (one {@link HookProgram} per hook that has
 * work) and hands them to Gpt's public forward and to {@link Generator}, so steering is live at every
 * position of a generation, prompt included, through the KV cache. Hooks with nothing to do get no
 * intervention, and a forward that needs no logits stops after the deepest tracked hook. Each run's
 * device arrays live in one sub-manager of the model's manager (so on its device), closed with the run.
 * Thread-safe for concurrent runs: a run's state is local to it, the SAE weights are read-only.
 * Tracking-only encodings run on the run's {@link TraceWorker}, overlapping the rest of the forward
 * and the next tokens; a run returns only after they are all in its traces.
 */
public final class SaeRuntime implements AutoCloseable {
    private final Gpt gpt;
    private final Tokenizer tokenizer;
    private final List<AttachedSae> saes;
    private final boolean owns;

    public SaeRuntime(Gpt gpt, Tokenizer tokenizer, List<AttachedSae> saes) {
        this(gpt, tokenizer, saes, false);
    }

    private SaeRuntime(Gpt gpt, Tokenizer tokenizer, List<AttachedSae> saes, boolean owns) {
        this.gpt = gpt;
        this.tokenizer = tokenizer;
        this.saes = List.copyOf(saes);
        this.owns = owns;
        for (AttachedSae s : this.saes) s.hook().validate(gpt.config());
    }

    /** Loads the checkpoint on {@code device} and the SAELens folders (ids = folder names); closes them all on close. */
    public static SaeRuntime load(ModelCheckpoint ref, List<Path> saeDirs, Device device) {
        Gpt gpt = Gpt.load(ref, device);
        List<AttachedSae> attached = new ArrayList<>();
        try {
            for (Path dir : saeDirs) attached.add(AttachedSae.load(dir, gpt.config()));
            return new SaeRuntime(gpt, Tokenizer.load(ref.tokenizerDir()), attached, true);
        } catch (RuntimeException e) {
            attached.forEach(a -> a.sae().close());
            gpt.close();
            throw e;
        }
    }

    public Gpt gpt() {
        return gpt;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public List<AttachedSae> saes() {
        return saes;
    }

    public AttachedSae sae(int index) {
        if (index < 0 || index >= saes.size())
            throw new IllegalArgumentException("SAE index " + index + " out of range (" + saes.size() + " attached)");
        return saes.get(index);
    }

    /** {@code <|bos|>} followed by the text's tokens: how documents and base-model prompts start. */
    public int[] encodeWithBos(String text) {
        int[] t = tokenizer.encodeOrdinary(text);
        int[] out = new int[t.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(t, 0, out, 1, t.length);
        return out;
    }

    /**
     * One forward over {@code ids} (a single sequence). {@code capture} hooks are copied out (seeing the
     * steered activation); without logits the pass stops after the deepest captured or tracked hook.
     */
    public RuntimeRun forward(
            int[] ids, TrackSpec track, List<FeatureEdit> edits, Set<HookPoint> capture, boolean logits) {
        try (Run run = new Run(track, edits)) {
            Set<HookPoint> cap = new HashSet<>(capture);
            if (!logits) run.traces.values().forEach(t -> cap.add(t.sae().hook()));
            if (!logits && cap.isEmpty())
                throw new IllegalArgumentException("a forward without logits must track or capture something");
            ForwardResult r = gpt.forward(new int[][] {ids}, new ForwardOptions(cap, run.interventions, logits));
            run.worker.drain();
            return new RuntimeRun(run.traces, r, null);
        }
    }

    /** A KV-cache generation from {@code prompt}, steered and tracked at every position. */
    public RuntimeRun generate(
            int[] prompt, SamplingOptions opts, TrackSpec track, List<FeatureEdit> edits, IntConsumer onToken) {
        try (Run run = new Run(track, edits)) {
            Generator.Generation g = new Generator(gpt).generate(prompt, opts, run.interventions, onToken);
            run.worker.drain();
            return new RuntimeRun(run.traces, null, g);
        }
    }

    /** The per-run state: traces, hook programs and their device arrays. */
    private final class Run implements AutoCloseable {
        final NDManager manager = gpt.manager().newSubManager();
        final TraceWorker worker = new TraceWorker(manager);
        final Map<Integer, FeatureTrace> traces = new TreeMap<>();
        final Map<HookPoint, Intervention> interventions = new HashMap<>();

        Run(TrackSpec track, List<FeatureEdit> edits) {
            try {
                Map<Integer, List<FeatureEdit>> bySae = validate(track, edits);
                Map<HookPoint, HookProgram> programs = new TreeMap<>();
                for (int i = 0; i < saes.size(); i++) {
                    AttachedSae sae = saes.get(i);
                    FeatureTrace trace = track.tracks(i)
                            ? new FeatureTrace(sae, track.topN(), track.chosenOf(i), track.keepDense())
                            : null;
                    List<FeatureEdit> mine = bySae.getOrDefault(i, List.of());
                    if (trace == null && mine.isEmpty()) continue; // encode only where needed
                    if (trace != null) traces.put(i, trace);
                    programs.computeIfAbsent(sae.hook(), h -> new HookProgram(worker))
                            .add(sae, trace, mine, manager);
                }
                interventions.putAll(programs);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private Map<Integer, List<FeatureEdit>> validate(TrackSpec track, List<FeatureEdit> edits) {
            for (int i : track.saes()) sae(i);
            track.chosen().forEach((i, fs) -> {
                if (!track.saes().contains(i))
                    throw new IllegalArgumentException("chosen features given for SAE " + i + ", which is not tracked");
                for (int f : fs) sae(i).checkFeature(f);
            });
            Map<Integer, List<FeatureEdit>> bySae = new HashMap<>();
            Set<Long> seen = new HashSet<>();
            for (FeatureEdit e : edits) {
                sae(e.sae()).checkFeature(e.feature());
                if (!seen.add(((long) e.sae() << 32) | e.feature())) {
                    throw new IllegalArgumentException("feature " + e.feature() + " of SAE '"
                            + sae(e.sae()).id() + "' is steered twice");
                }
                bySae.computeIfAbsent(e.sae(), k -> new ArrayList<>()).add(e);
            }
            return bySae;
        }

        @Override
        public void close() {
            try {
                worker.close(); // no job may touch the run's arrays once they are freed
            } finally {
                manager.close();
            }
        }
    }

    @Override
    public void close() {
        if (owns) {
            saes.forEach(s -> s.sae().close());
            gpt.close();
        }
    }
}

package dev.nanochat.sae.cli;

import dev.nanochat.sae.core.ActivationTensor;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeConfigBuilder;
import dev.nanochat.sae.core.train.ArrayActivationSource;
import dev.nanochat.sae.core.train.LoopSettings;
import dev.nanochat.sae.core.train.StepMetrics;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingLoop;
import dev.nanochat.sae.core.train.TrainingOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Train an SAE on activations stored in a safetensors file; writes a SAELens folder plus training_state/
 * (periodically and at the end, atomically). Input is validated before anything is written.
 */
@Command(name = "train", description = "Train an SAE on activations stored in a safetensors file")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--activations", required = true, description = "safetensors file with [N, d] or [B, T, d]")
    Path activations;

    @Option(names = "--tensor", required = true, description = "tensor name inside the file")
    String tensor;

    @Option(names = "--arch", defaultValue = "topk", description = "topk, batchtopk, relu, gated, jumprelu")
    String arch;

    @Option(names = "--k", defaultValue = "32")
    int k;

    @Option(names = "--expansion", defaultValue = "8", description = "d_sae = expansion × d_in")
    int expansion;

    @Option(names = "--tokens", description = "tokens to train on (default: one pass over the file)")
    Long tokens;

    @Option(names = "--batch", defaultValue = "4096")
    int batch;

    @Option(names = "--lr", description = "learning rate (default 2e-4·sqrt(2^14/d_sae)·sqrt(2048/d_in))")
    Double lr;

    @Option(
            names = "--l1",
            description =
                    "sparsity coefficient (L1 for relu/gated, L0 for jumprelu; defaults relu 0.5, gated 1.5, jumprelu 2)")
    Double l1;

    @Option(
            names = "--grad-clip",
            description = "clip the global gradient norm of the normalised loss at this value (0 = off; default 1.0)")
    Double gradClip;

    @Option(
            names = "--jumprelu-threshold",
            description = "jumprelu: initial threshold θ (default 0.2; in short runs it sets L0 more than --l1 does)")
    Double jumpReluThreshold;

    @Option(names = "--jumprelu-bandwidth", description = "jumprelu: STE kernel bandwidth ε (default 0.05)")
    Double jumpReluBandwidth;

    @Option(names = "--warmup-steps", description = "LR warmup (default min(1000, 5% of steps))")
    Integer warmupSteps;

    @Option(names = "--lr-decay", defaultValue = "linear")
    String lrDecay;

    @Option(
            names = "--dead-window-tokens",
            description = "dead = not fired within this many tokens (default min(10M, tokens/4))")
    Long deadWindow;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--save-every", defaultValue = "0", description = "checkpoint every N steps (0 = only at the end)")
    int saveEvery;

    @Option(names = "--threads", defaultValue = "0")
    int threads;

    @Option(names = "--out", defaultValue = "sae-out", description = "output SAELens folder (+ training_state/)")
    Path out;

    @Option(names = "--resume", description = "checkpoint folder to continue from")
    Path resume;

    @Override
    public Integer call() throws Exception {
        Trainer trainer = null;
        try {
            ActivationTensor acts;
            if (resume != null) {
                trainer = Trainer.resume(resume);
                if (tokens != null) trainer.setTotalTokens(tokens);
                acts = ActivationTensor.read(
                        activations, tensor, trainer.config().dIn());
            } else {
                acts = ActivationTensor.read(activations, tensor, 0);
                long total = tokens != null ? tokens : acts.rows();
                trainer = new Trainer(
                        config(acts, total), new TrainingOptions(total, threads, TrainingOptions.KernelPath.AUTO));
            }
            long total = trainer.options().totalTokens();
            SaeConfig cfg = trainer.config();
            var source = new ArrayActivationSource(acts.data(), acts.rows(), acts.dIn(), cfg.seed(), true, 0)
                    .limit(cfg.batchSize(), total);
            source.seek(trainer.sourcePosition());
            System.out.println("sae train: " + cfg.architecture() + " d_in=" + cfg.dIn() + " d_sae=" + cfg.dSae()
                    + " rows=" + acts.rows() + " tokens=" + total + " (" + trainer.engineDescription() + ")");
            StepMetrics[] last = {null};
            Trainer t = trainer;
            try (ProgressBar bar = ProgressBar.create("train", total, "tok")) {
                bar.update(trainer.tokensSeen());
                // The same loop trainer-service runs; the array source is already shuffled per epoch, so the
                // shuffle buffer holds one batch and checkpoints fall every save_every steps (else at the end).
                long every = saveEvery > 0 ? (long) saveEvery * cfg.batchSize() : Math.max(1, total);
                var settings = new LoopSettings(
                        cfg.batchSize(), cfg.batchSize(), every, Math.max(1, total), Duration.ZERO, Duration.ZERO);
                new TrainingLoop(
                                trainer,
                                source,
                                settings,
                                new TrainingLoop.Listener() {
                                    @Override
                                    public void stepped(StepMetrics m, long tokensTrained) {
                                        last[0] = m;
                                        bar.field("loss", m.loss())
                                                .field("L0", String.format(Locale.ROOT, "%.1f", m.l0()))
                                                .field("fvu", m.fvu())
                                                .percentField("dead", m.deadFraction());
                                        bar.update(tokensTrained);
                                    }

                                    @Override
                                    public void checkpoint(long tokens, boolean isLast) {
                                        t.checkpoint(out, source.position());
                                    }

                                    @Override
                                    public TrainingLoop.Command command() {
                                        return TrainingLoop.Command.CONTINUE;
                                    }
                                },
                                cfg.dIn(),
                                cfg.seed())
                        .run();
            }
            StepMetrics m = last[0];
            if (m != null)
                System.out.printf(
                        Locale.ROOT,
                        "done: step=%d tokens=%d loss=%.5g mse=%.5g fvu=%.4f l0=%.2f dead=%.4f → %s%n",
                        m.step(),
                        m.tokens(),
                        m.loss(),
                        m.mse(),
                        m.fvu(),
                        m.l0(),
                        m.deadFraction(),
                        out);
            else
                System.out.println("nothing to do: checkpoint already at " + trainer.tokensSeen() + " tokens → " + out);
            return 0;
        } finally {
            if (trainer != null) trainer.close();
        }
    }

    private SaeConfig config(ActivationTensor acts, long total) {
        long steps = Math.max(1, total / batch);
        SaeConfigBuilder b = SaeConfig.builder(arch, acts.dIn())
                .expansionFactor(expansion)
                .k(k)
                .batchSize(batch)
                .lrDecay(lrDecay)
                .seed(seed)
                .datasetPath(activations.toString())
                .warmupSteps(warmupSteps != null ? warmupSteps : (int) Math.min(1000, steps / 20))
                .l1WarmupSteps((int) Math.min(Integer.MAX_VALUE, steps / 20))
                .deadWindowTokens(deadWindow != null ? deadWindow : Math.max(batch, Math.min(10_000_000L, total / 4)));
        // Where the activations came from, when the file says (sae nanochat activations writes these): without
        // a hook name the folder cannot be spliced back into the model by sae track / steer or the runtime.
        Map<String, String> meta = acts.metadata();
        if (meta.containsKey("hook_name")) b.hookPoint(meta.get("hook_name"));
        if (meta.containsKey("model_id")) b.modelName(meta.get("model_id"));
        String context = meta.get("context_size");
        if (context != null && context.matches("\\d{1,9}")) b.contextSize(Integer.parseInt(context));
        if (lr != null) b.learningRate(lr);
        if (l1 != null) b.l1Coefficient(l1);
        if (gradClip != null) b.gradClipNorm(gradClip);
        if (jumpReluThreshold != null) b.jumpReluInitThreshold(jumpReluThreshold);
        if (jumpReluBandwidth != null) b.jumpReluBandwidth(jumpReluBandwidth);
        return b.build();
    }
}

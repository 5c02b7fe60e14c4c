package dev.nanochat.sae.cli;

import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `sae nanochat info`: a checkpoint's config, parameter count and files. */
@Command(name = "info", description = "Show a nanochat checkpoint's config, parameter count and files")
public final class NanochatInfoCommand implements Callable<Integer> {
    /** Which checkpoint: shared by the nanochat commands and the benchmark. */
    public static final class CheckpointOptions {
        @Option(
                names = "--base-dir",
                description = "nanochat base dir (default $NANOCHAT_BASE_DIR or ~/.cache/nanochat)")
        Path baseDir;

        @Option(names = "--source", defaultValue = "base", description = "base|mid|sft|rl")
        String source;

        @Option(names = "--tag", description = "model tag (default: largest d<N>)")
        String tag;

        @Option(names = "--step", description = "step (default: largest)")
        Integer step;

        Path base() {
            return baseDir != null ? baseDir : ModelCheckpoints.defaultBaseDir();
        }

        ModelCheckpoint resolve() {
            return ModelCheckpoints.resolve(base(), source, tag, step);
        }
    }

    @Mixin
    CheckpointOptions checkpoint;

    @Override
    public Integer call() throws Exception {
        ModelCheckpoint ref = checkpoint.resolve();
        ModelConfig c = ref.config();
        System.out.printf(
                Locale.ROOT,
                "model_id: %s%nsource: %s  tag: %s  step: %d%n",
                ref.modelId(),
                ref.source(),
                ref.tag(),
                ref.step());
        System.out.printf(
                Locale.ROOT,
                "config: sequence_len=%d vocab_size=%d n_layer=%d n_head=%d n_kv_head=%d n_embd=%d head_dim=%d%n",
                c.sequenceLen(),
                c.vocabSize(),
                c.nLayer(),
                c.nHead(),
                c.nKvHead(),
                c.nEmbd(),
                c.headDim());
        System.out.printf(Locale.ROOT, "parameters: %,d%n", c.parameterCount());
        System.out.printf(
                Locale.ROOT,
                "model: %s (%,d bytes)%nmeta: %s%n",
                ref.modelFile(),
                Files.size(ref.modelFile()),
                ref.metaFile());
        Path tokDir = ref.tokenizerDir();
        if (Files.isRegularFile(tokDir.resolve("tokenizer.pkl"))) {
            Tokenizer tok = Tokenizer.load(tokDir);
            System.out.printf(
                    Locale.ROOT,
                    "tokenizer: %s (vocab %d, %d special tokens)%n",
                    tokDir,
                    tok.vocabSize(),
                    tok.specialTokens().size());
        } else {
            System.out.printf("tokenizer: missing (%s)%n", tokDir.resolve("tokenizer.pkl"));
        }
        return 0;
    }
}

package dev.nanochat.sae.cli;

import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusFormat;
import dev.nanochat.sae.corpus.DefaultCorpus;
import dev.nanochat.sae.corpus.SaeHome;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.train.DemoModelBuilder;
import dev.nanochat.sae.train.DemoModelCache;
import dev.nanochat.sae.train.DemoModelOptions;
import dev.nanochat.sae.train.DemoModelResult;
import dev.nanochat.sae.train.TokenizerTraining;
import dev.nanochat.sae.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `sae demo-model`: train (or reuse) a small real nanochat model; see nanochat-train's DemoModelBuilder. */
@Command(
        name = "demo-model",
        mixinStandardHelpOptions = true,
        description = "Bootstrap a small real nanochat model (BPE tokenizer + GPT) from a public corpus")
public final class DemoModelCommand implements Callable<Integer> {
    @Option(
            names = "--minutes",
            description = "training budget in minutes (default ${DEFAULT-VALUE})",
            defaultValue = "4")
    double minutes;

    @Option(
            names = "--max-steps",
            description = "stop after this many steps (0 = time budget only)",
            defaultValue = "0")
    int maxSteps;

    @Option(
            names = "--corpus",
            description = "corpus file or dir (.txt, .lines.txt, .jsonl, parquet shards; default: europarl)")
    Path corpus;

    @Option(
            names = "--format",
            description = "corpus format: lines, paragraphs, linedoc, jsonl, parquet (default: by file name)")
    String format;

    @Option(names = "--out", description = "nanochat base dir to write (default: $SAE_HOME/nanochat)")
    Path out;

    @Option(names = "--vocab", defaultValue = "4096")
    int vocab;

    @Option(names = "--depth", defaultValue = "4")
    int depth;

    @Option(names = "--width", defaultValue = "256")
    int width;

    @Option(names = "--heads", defaultValue = "2")
    int heads;

    @Option(names = "--seq-len", defaultValue = "256")
    int seqLen;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--tokenizer-chars", defaultValue = "20000000")
    long tokenizerChars;

    @Option(names = "--matrix-lr", defaultValue = "2e-3")
    double matrixLr;

    @Option(names = "--embedding-lr", defaultValue = "0.2")
    double embeddingLr;

    @Option(names = "--unembedding-lr", defaultValue = "3e-2")
    double unembeddingLr;

    @Option(names = "--eval-every", defaultValue = "100")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "8")
    int evalBatches;

    @Option(names = "--force", description = "retrain even if a model exists")
    boolean force;

    @Override
    public Integer call() {
        Path home = SaeHome.resolve();
        Path base = out != null ? out : home.resolve("nanochat");
        StringBuilder incomplete = new StringBuilder();
        Optional<ModelCheckpoint> existing =
                force ? Optional.empty() : DemoModelCache.find(base, "d" + depth, incomplete);
        if (existing.isPresent()) {
            System.out.println("demo model already at " + existing.get().modelFile() + " ("
                    + existing.get().modelId() + "); --force retrains");
            return 0;
        }
        if (!incomplete.isEmpty())
            System.out.println("found an incomplete demo model (" + incomplete + "); retraining");
        Corpus source = corpus == null
                ? DefaultCorpus.open(home)
                : format == null ? Corpus.of(corpus) : Corpus.of(corpus, CorpusFormat.parse(format));
        DemoModelOptions o = DemoModelOptions.defaults(base)
                .withModel(vocab, depth, width, heads, seqLen, batch)
                .withBudget(minutes, maxSteps, evalEvery, evalBatches)
                .withTokenizerChars(tokenizerChars)
                .withLearningRates(matrixLr, embeddingLr, unembeddingLr);
        System.out.println("corpus: " + source + "\nmodel: " + o.modelConfig() + ", "
                + (maxSteps > 0 ? maxSteps + " steps or " : "") + minutes + " min");
        DemoModelResult r;
        try (ProgressBar bar = ProgressBar.create("demo-model", 0, "tok")) {
            r = DemoModelBuilder.build(source, o, new TrainingListener() {
                @Override
                public void tokenizerTrained(TokenizerTraining.Result t) {
                    System.out.printf(
                            Locale.ROOT,
                            "tokenizer: %d ranks + %d specials from %,d chars in %.1f s%n",
                            t.vocabulary().tokens().size(),
                            t.vocabulary().specials().size(),
                            t.chars(),
                            t.seconds());
                }

                @Override
                public void step(Step s) {
                    bar.field("step", String.valueOf(s.step()))
                            .percentField("done", s.progress())
                            .field("loss", s.loss())
                            .field("val_bpb", s.lastValBpb())
                            .update((long) s.step() * batch * seqLen);
                }
            });
        }
        System.out.printf(
                Locale.ROOT,
                "trained %d steps, %,d tokens in %.1f min (%.0f tok/s); loss %.3f -> %.3f%n",
                r.steps(),
                r.trainTokens(),
                r.trainSeconds() / 60,
                r.tokensPerSecond(),
                r.firstLoss(),
                r.lastLoss());
        System.out.printf(
                Locale.ROOT,
                "held-out bits per byte: %.4f (unigram baseline of the same tokenizer: %.4f)%n",
                r.valBpb(),
                r.unigramBpb());
        System.out.println(
                "saved " + r.checkpoint().modelFile() + " (" + r.checkpoint().modelId() + ")");
        System.out.println("sample: " + DemoModelCache.sample(r.checkpoint(), 48, 1));
        return 0;
    }
}

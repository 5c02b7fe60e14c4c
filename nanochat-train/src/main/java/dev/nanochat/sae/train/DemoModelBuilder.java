package dev.nanochat.sae.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.Document;
import dev.nanochat.sae.nanochat.GptWeights;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.Tokenizer;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerData;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerWriter;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Bootstraps a small real nanochat model from a corpus, end to end: BPE tokenizer on the training
 * documents → {@code tokenizer/} → model training with a held-out split → checkpoint in nanochat's
 * layout under {@code out} (a nanochat base dir), meta JSON as nanochat's base_train writes it.
 *
 * Design: held-out documents (1 in {@code heldOutEvery}, by key) never reach the tokenizer or the
 * training stream; validation uses the same first {@code evalBatches} held-out batches every time,
 * so bpb figures along the run are comparable. The unigram baseline is fitted on the targets the
 * model trained on, topped up from the training split to at least a million tokens so a short run
 * does not flatter the model with a poorly estimated baseline. A checkpoint is complete when its meta file exists (written last).
 */
public final class DemoModelBuilder {
    private static final LrSchedule SCHEDULE = new LrSchedule(0.05, 0.1);
    /** Training tokens the unigram baseline is fitted on, at least (more if training saw more). */
    static final long UNIGRAM_MIN_TOKENS = 1_000_000;

    private DemoModelBuilder() {}

    public static DemoModelResult build(Corpus corpus, DemoModelOptions o, TrainingListener listener) {
        HeldOutSplit split = new HeldOutSplit(o.heldOutEvery());
        TokenizerTraining.Result tokResult;
        try (var reader = corpus.open()) {
            tokResult = TokenizerTraining.train(reader, d -> !split.isHeldOut(d), o.tokenizerChars(), o.vocabSize());
        }
        listener.tokenizerTrained(tokResult);
        Tokenizer tokenizer = writeTokenizer(o.out().resolve("tokenizer"), tokResult.vocabulary());
        int[] tokenBytes = tokenBytes(tokResult.vocabulary());

        List<int[][]> val = new ArrayList<>();
        TokenBatches valStream = batches(corpus, split::isHeldOut, tokenizer, o, false);
        for (int[][] b; val.size() < o.evalBatches() && (b = valStream.next()) != null; ) val.add(b);
        valStream.close();
        if (val.isEmpty())
            throw new IllegalArgumentException(
                    "corpus " + corpus + " has too few held-out documents for one validation batch");

        ModelConfig config = o.modelConfig();
        TokenBatches train = batches(corpus, d -> !split.isHeldOut(d), tokenizer, o, true);
        UnigramBaseline unigram = new UnigramBaseline(config.vocabSize());
        try (GptWeights weights = GptWeights.randomInit(config, o.seed(), Device.cpu());
                ModelTrainer trainer = new ModelTrainer(weights, o.matrixLr(), o.embeddingLr(), o.unembeddingLr())) {
            double budgetNanos = o.minutes() * 60e9, trainNanos = 0, firstLoss = Double.NaN, loss = Double.NaN;
            double valBpb = Double.NaN;
            long tokens = 0;
            double progress = 0;
            while (progress < 1) {
                int[][] batch = train.next();
                unigram.count(batch);
                long t0 = System.nanoTime();
                double lr = SCHEDULE.multiplier(progress);
                loss = trainer.step(batch, lr);
                trainNanos += System.nanoTime() - t0;
                if (Double.isNaN(firstLoss)) firstLoss = loss;
                tokens += (long) batch.length * (batch[0].length - 1);
                progress = Math.max(
                        o.maxSteps() > 0 ? (double) trainer.steps() / o.maxSteps() : 0,
                        budgetNanos > 0 ? trainNanos / budgetNanos : 0);
                if (trainer.steps() % o.evalEvery() == 0 && progress < 1) {
                    valBpb = evaluate(trainer, val, tokenBytes).bpb();
                    listener.evaluated(trainer.steps(), valBpb);
                }
                listener.step(new TrainingListener.Step(
                        trainer.steps(), Math.min(1, progress), loss, lr, tokens / (trainNanos / 1e9), valBpb));
            }
            train.close();
            valBpb = evaluate(trainer, val, tokenBytes).bpb();
            listener.evaluated(trainer.steps(), valBpb);
            TokenBatches more = batches(corpus, d -> !split.isHeldOut(d), tokenizer, o, false);
            for (int[][] b; unigram.total() < UNIGRAM_MIN_TOKENS && (b = more.next()) != null; ) unigram.count(b);
            more.close();
            BitsPerByte uni = new BitsPerByte(tokenBytes);
            for (int[][] b : val) unigram.score(b, uni);

            clearTag(o.out().resolve("base_checkpoints").resolve(o.tag()));
            ObjectNode meta = meta(o, corpus, valBpb, uni.bpb(), tokResult, trainNanos / 1e9, tokens);
            ModelCheckpoint ref = weights.save(o.out(), "base", o.tag(), trainer.steps(), StorageType.FLOAT, meta);
            return new DemoModelResult(
                    ref,
                    tokResult,
                    trainer.steps(),
                    tokens,
                    trainNanos / 1e9,
                    firstLoss,
                    loss,
                    valBpb,
                    uni.bpb(),
                    train.epochs());
        }
    }

    static BitsPerByte evaluate(ModelTrainer trainer, List<int[][]> val, int[] tokenBytes) {
        BitsPerByte bpb = new BitsPerByte(tokenBytes);
        for (int[][] b : val) trainer.evaluate(b, bpb);
        return bpb;
    }

    private static TokenBatches batches(
            Corpus corpus,
            java.util.function.Predicate<Document> keep,
            Tokenizer tok,
            DemoModelOptions o,
            boolean loop) {
        return new TokenBatches(corpus::open, keep, tok::encodeOrdinary, tok.bosId(), o.batchSize(), o.seqLen(), loop);
    }

    /** Writes tokenizer.pkl + token_bytes.pt with the nanochat writer and reads them back. */
    static Tokenizer writeTokenizer(Path dir, BpeVocabulary v) {
        byte[][] ranks = v.tokens().toArray(new byte[0][]);
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (int i = 0; i < v.specials().size(); i++) specials.put(v.specials().get(i), ranks.length + i);
        TokenizerWriter.write(dir, new TokenizerData("rustbpe", v.pattern(), ranks, specials));
        return Tokenizer.load(dir);
    }

    /** token_bytes.pt semantics: UTF-8 byte length per id, 0 for special tokens. */
    static int[] tokenBytes(BpeVocabulary v) {
        int[] out = new int[v.vocabSize()];
        for (int i = 0; i < v.tokens().size(); i++) out[i] = v.tokens().get(i).length;
        return out;
    }

    private static ObjectNode meta(
            DemoModelOptions o,
            Corpus corpus,
            double valBpb,
            double unigramBpb,
            TokenizerTraining.Result tok,
            double trainSeconds,
            long tokens) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode user = f.objectNode();
        user.put("run", "sae demo-model")
                .put("depth", o.depth())
                .put("width", o.width())
                .put("heads", o.heads())
                .put("vocab_size", o.vocabSize())
                .put("sequence_len", o.seqLen())
                .put("device_batch_size", o.batchSize())
                .put("matrix_lr", o.matrixLr())
                .put("embedding_lr", o.embeddingLr())
                .put("unembedding_lr", o.unembeddingLr())
                .put("optimizer", "adamw")
                .put("minutes", o.minutes())
                .put("max_steps", o.maxSteps())
                .put("seed", o.seed())
                .put("corpus", corpus.toString())
                .put("held_out_every", o.heldOutEvery())
                .put("tokenizer_chars", tok.chars())
                .put("tokenizer_seconds", tok.seconds())
                .put("train_seconds", trainSeconds)
                .put("train_tokens", tokens)
                .put("unigram_val_bpb", unigramBpb);
        ObjectNode meta = f.objectNode();
        meta.put("val_bpb", valBpb);
        meta.set("user_config", user);
        meta.put("device_batch_size", o.batchSize());
        meta.put("max_seq_len", o.seqLen());
        return meta;
    }

    /** Removes earlier model_/meta_ files of the tag so "largest step" cannot pick a stale run. */
    private static void clearTag(Path tagDir) {
        if (!Files.isDirectory(tagDir)) return;
        try (Stream<Path> files = Files.list(tagDir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("(model|meta)_\\d+\\.(pt|json)")) Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear old checkpoints in " + tagDir, e);
        }
    }
}

package dev.nanochat.sae.train;

import dev.nanochat.sae.nanochat.ModelConfig;
import java.nio.file.Path;

/**
 * The dials of a demo-model run. Defaults ({@link #defaults}) fit ~4 minutes on 2 CPU cores:
 * depth 4, width 256, 2 heads of 128 (nanochat's head size), context 256, vocab 4096 (a
 * multilingual corpus needs more than the fixture's 1024 to get below ~4 bytes per token).
 *
 * @param out             nanochat base dir to write ({@code tokenizer/}, {@code base_checkpoints/})
 * @param minutes         training wall-clock budget (tokenizer and evaluation not included)
 * @param maxSteps        optional step bound (0 = none); the run stops at whichever comes first
 * @param tokenizerChars  characters of the corpus the tokenizer is trained on
 * @param heldOutEvery    1 in this many documents is held out for validation
 */
public record DemoModelOptions(
        Path out,
        int vocabSize,
        int depth,
        int width,
        int heads,
        int seqLen,
        int batchSize,
        double minutes,
        int maxSteps,
        double matrixLr,
        double embeddingLr,
        double unembeddingLr,
        long tokenizerChars,
        int evalEvery,
        int evalBatches,
        int heldOutEvery,
        long seed) {
    public DemoModelOptions {
        if (out == null) throw new IllegalArgumentException("an output directory is required");
        if (width % heads != 0)
            throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
        if (minutes <= 0 && maxSteps <= 0)
            throw new IllegalArgumentException("give a positive --minutes or a step bound");
        if (batchSize <= 0 || evalBatches <= 0 || evalEvery <= 0) {
            throw new IllegalArgumentException("batch size " + batchSize + ", eval batches " + evalBatches
                    + ", eval every " + evalEvery + " must be positive");
        }
        if (matrixLr <= 0 || embeddingLr <= 0 || unembeddingLr <= 0)
            throw new IllegalArgumentException("learning rates must be positive");
        new ModelConfig(seqLen, vocabSize, depth, heads, heads, width);
    }

    public static DemoModelOptions defaults(Path out) {
        return new DemoModelOptions(out, 4096, 4, 256, 2, 256, 8, 4.0, 0, 2e-3, 0.2, 3e-2, 20_000_000L, 100, 8, 50, 42);
    }

    public ModelConfig modelConfig() {
        return new ModelConfig(seqLen, vocabSize, depth, heads, heads, width);
    }

    /** nanochat's checkpoint tag for a depth: d4. */
    public String tag() {
        return "d" + depth;
    }

    public DemoModelOptions withModel(int vocab, int d, int w, int h, int t, int b) {
        return new DemoModelOptions(
                out,
                vocab,
                d,
                w,
                h,
                t,
                b,
                minutes,
                maxSteps,
                matrixLr,
                embeddingLr,
                unembeddingLr,
                tokenizerChars,
                evalEvery,
                evalBatches,
                heldOutEvery,
                seed);
    }

    public DemoModelOptions withBudget(double min, int steps, int everyEval, int batchesEval) {
        return new DemoModelOptions(
                out,
                vocabSize,
                depth,
                width,
                heads,
                seqLen,
                batchSize,
                min,
                steps,
                matrixLr,
                embeddingLr,
                unembeddingLr,
                tokenizerChars,
                everyEval,
                batchesEval,
                heldOutEvery,
                seed);
    }

    public DemoModelOptions withLearningRates(double matrix, double embedding, double unembedding) {
        return new DemoModelOptions(
                out,
                vocabSize,
                depth,
                width,
                heads,
                seqLen,
                batchSize,
                minutes,
                maxSteps,
                matrix,
                embedding,
                unembedding,
                tokenizerChars,
                evalEvery,
                evalBatches,
                heldOutEvery,
                seed);
    }

    public DemoModelOptions withTokenizerChars(long chars) {
        return new DemoModelOptions(
                out,
                vocabSize,
                depth,
                width,
                heads,
                seqLen,
                batchSize,
                minutes,
                maxSteps,
                matrixLr,
                embeddingLr,
                unembeddingLr,
                chars,
                evalEvery,
                evalBatches,
                heldOutEvery,
                seed);
    }
}

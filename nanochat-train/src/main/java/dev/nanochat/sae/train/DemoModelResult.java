package dev.nanochat.sae.train;

import dev.nanochat.sae.nanochat.ModelCheckpoint;

/**
 * What a demo-model run produced and how well: the checkpoint plus the figures that say whether
 * the model learned anything (validation bpb vs. the unigram baseline of the same tokenizer).
 */
public record DemoModelResult(
        ModelCheckpoint checkpoint,
        TokenizerTraining.Result tokenizer,
        int steps,
        long trainTokens,
        double trainSeconds,
        double firstLoss,
        double lastLoss,
        double valBpb,
        double unigramBpb,
        int epochs) {
    public double tokensPerSecond() {
        return trainSeconds > 0 ? trainTokens / trainSeconds : 0;
    }
}

package dev.nanochat.sae.features;

import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpointReader;

/**
 * The model's unembedding W_U as nanochat stores it: lm_head.weight, [vocab, d] row-major (one row per
 * token). The logit lens reads W_dec[i] · W_Uᵀ; rows past the tokenizer's vocabulary (padding) are
 * ignored by the analysis.
 */
public record Unembedding(float[] weight, int vocab, int d) {

    public Unembedding {
        if (weight == null || vocab <= 0 || d <= 0 || (long) vocab * d != weight.length) {
            throw new IllegalArgumentException("unembedding must be [vocab, d] = [" + vocab + ", " + d + "], got "
                    + (weight == null ? "null" : weight.length + " floats"));
        }
    }

    /** lm_head.weight of a nanochat checkpoint (viz-service and the CLI's in-process analysis read it so). */
    public static Unembedding of(ModelCheckpoint ref) {
        var c = ref.config();
        float[] head = ModelCheckpointReader.read(ref.modelFile(), c).get("lm_head.weight");
        if (head == null) throw new IllegalArgumentException(ref.modelFile() + " has no lm_head.weight");
        return new Unembedding(head, c.vocabSize(), c.nEmbd());
    }
}

package dev.nanochat.sae.nanochat;

import java.nio.file.Path;

/** One resolved checkpoint: where it lives and the config its meta file declares. */
public record ModelCheckpoint(
        Path baseDir, String source, String tag, int step, Path modelFile, Path metaFile, ModelConfig config) {
    /** Stable id used in topic names and SAE metadata: `d2-000600`, or `sft-d20-000700` off base. */
    public String modelId() {
        String id = tag + "-" + String.format("%06d", step);
        return "base".equals(source) ? id : source + "-" + id;
    }

    public Path tokenizerDir() {
        return baseDir.resolve("tokenizer");
    }
}

package dev.nanochat.sae.collector.collection;

import java.util.List;

/**
 * What a client asks for (the JSON body of {@code POST /api/collections}, stored verbatim so a
 * restarted collector can rebuild the job). Validation happens in {@link CollectionPlanner}, which
 * needs the configured roots and the checkpoint.
 *
 * @param model nanochat base dir (under a model root) and which checkpoint in it
 * @param hooks hook names such as {@code blocks.1.hook_resid_post}; one forward feeds them all
 * @param corpus files or globs under a data root, all of one format
 * @param contextSize tokens per packed sequence (BOS starts each document); ≤ the model's sequence_len
 * @param maxTokens stop after this many tokens per hook (null or 0: the whole corpus)
 * @param evalFraction fraction of documents held out as the eval split, in [0, 1]
 * @param dtype payload dtype, {@code f32} or {@code f16}
 * @param seed seeds the eval-split hash
 */
public record CollectionRequest(
        Model model,
        List<String> hooks,
        Corpus corpus,
        Integer contextSize,
        Long maxTokens,
        Double evalFraction,
        String dtype,
        Long seed) {

    /** @param baseDir nanochat base dir; {@code source} base|mid|sft|rl; tag/step null = newest */
    public record Model(String baseDir, String source, String tag, Integer step) {}

    /** @param format lines|paragraphs|linedoc|jsonl|parquet, or null to detect from the file name */
    public record Corpus(List<String> paths, String format) {}
}

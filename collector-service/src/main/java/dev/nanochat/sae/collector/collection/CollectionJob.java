package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * A validated, ready-to-run collection: the loaded model and tokenizer, the resolved corpus and
 * where to start. Owns the model; closing the job frees it.
 *
 * @param batchSequences sequences per forward pass ([B, T] with T = contextSize)
 * @param maxTokens tokens per hook to produce in total, 0 = until the corpus ends
 * @param maxRowsPerRecord rows per Kafka record so that a record stays under the size limit
 * @param offsets offsets acknowledged by earlier runs (topic → partition → offset)
 */
public record CollectionJob(
        String collectionId,
        String modelId,
        Gpt model,
        Tokenizer tokenizer,
        List<HookPoint> hooks,
        Corpus corpus,
        int contextSize,
        int batchSequences,
        long maxTokens,
        EvalSplit split,
        DType payloadDtype,
        int maxRowsPerRecord,
        CollectionPosition start,
        Map<String, Map<Integer, Long>> offsets)
        implements AutoCloseable {

    public int dIn() {
        return model.config().nEmbd();
    }

    @Override
    public void close() {
        model.close();
    }
}

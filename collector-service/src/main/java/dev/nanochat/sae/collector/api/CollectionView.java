package dev.nanochat.sae.collector.api;

import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import dev.nanochat.sae.collector.store.CollectionEntity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A collection as the API shows it. Counters cover acknowledged records only. {@code etaSeconds}
 * is null when unknown: with max tokens it is the remaining tokens over the current rate, otherwise
 * the remaining corpus bytes at the current bytes-per-token.
 *
 * @param offsets topic → partition → highest acknowledged offset
 * @param position where a restart resumes: corpus slot {@code file:slot}, tokens of that document
 *        already sent, next record sequence number
 */
public record CollectionView(
        String id,
        CollectionStatus status,
        String message,
        String modelId,
        CollectionRequest request,
        long tokens,
        long evalTokens,
        long records,
        long bytes,
        long documents,
        long invalidUtf8Skipped,
        double tokensPerSecond,
        Double etaSeconds,
        Map<String, Map<Integer, Long>> offsets,
        Map<String, Object> position,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    public static CollectionView of(CollectionEntity e, boolean active) {
        Map<String, Map<Integer, Long>> offsets = new LinkedHashMap<>();
        e.topics.forEach(t -> offsets.put(t, e.offsets.getOrDefault(t, Map.of())));
        double rate = active ? e.tokensPerSecond : 0;
        return new CollectionView(
                e.id,
                e.status,
                e.statusMessage,
                e.modelId,
                e.request,
                e.tokens,
                e.evalTokens,
                e.records,
                e.bytes,
                e.documents,
                e.invalidUtf8,
                rate,
                eta(e, rate),
                offsets,
                Map.of(
                        "corpus",
                        e.positionCorpus,
                        "tokenOffset",
                        e.positionTokenOffset,
                        "nextSequence",
                        e.nextSequence),
                e.createdAt,
                e.updatedAt,
                e.finishedAt);
    }

    private static Double eta(CollectionEntity e, double rate) {
        if (e.status.terminal()) {
            return 0.0;
        }
        if (rate <= 0) {
            return null;
        }
        if (e.maxTokens > 0) {
            return Math.max(0, e.maxTokens - e.tokens) / rate;
        }
        if (e.textBytes <= 0 || e.corpusBytes <= 0) {
            return null;
        }
        double bytesPerToken = (double) e.textBytes / e.tokens;
        return Math.max(0, e.corpusBytes - e.textBytes) / bytesPerToken / rate;
    }
}

package dev.nanochat.sae.evaluator.service;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.eval.HeldOutCapture;
import dev.nanochat.sae.eval.HeldOutSet;
import dev.nanochat.sae.evaluator.persistence.HeldOutRecord;
import dev.nanochat.sae.evaluator.persistence.HeldOutRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bounded held-out set per (model, hook): the first eval-split records seen, stored verbatim in
 * PostgreSQL so a restarted evaluator still evaluates on the same tokens. Only records on the topic
 * named for their own model and hook count, and only from one collection (the first seen for that
 * pair): another producer's eval records, or a second collection's, never mix into the set.
 */
@ApplicationScoped
public class HeldOutStore {
    /** What happened to an offered record. */
    public enum Outcome {
        STORED,
        TRAIN_SPLIT,
        FULL,
        ALREADY_STORED,
        FOREIGN
    }

    private final HeldOutRepository repository;
    private final EvaluatorConfig config;

    HeldOutStore(HeldOutRepository repository, EvaluatorConfig config) {
        this.repository = repository;
        this.config = config;
    }

    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> collections = new ConcurrentHashMap<>();

    /** Decodes (throws InvalidRecordException on a bad payload) and keeps the record if it is eval split and there is room. */
    public Outcome offer(String topic, int partition, long offset, String splitHeader, byte[] value) {
        if (splitHeader != null && !"eval".equalsIgnoreCase(splitHeader)) {
            return Outcome.TRAIN_SPLIT; // cheap path: most records are training data
        }
        ActivationBatch batch = ActivationBatchCodec.decode(value);
        if (batch.split() != Split.EVAL) {
            return Outcome.TRAIN_SPLIT;
        }
        if (!topic.equals(topicOf(batch))) {
            return Outcome.FOREIGN;
        }
        String key = batch.modelId() + "|" + batch.hook();
        String collection = collections.computeIfAbsent(key, k -> QuarkusTransaction.requiringNew()
                .call(() -> repository.collection(batch.modelId(), batch.hook())));
        if (collection != null && !collection.equals(batch.collectionId())) {
            return Outcome.FOREIGN;
        }
        long held = tokens.computeIfAbsent(key, k -> QuarkusTransaction.requiringNew()
                .call(() -> repository.tokens(batch.modelId(), batch.hook())));
        if (held >= config.heldOutTokens()) {
            return Outcome.FULL;
        }
        boolean stored = QuarkusTransaction.requiringNew().call(() -> {
            if (repository.contains(topic, partition, offset)) {
                return false;
            }
            HeldOutRecord r = new HeldOutRecord();
            r.modelId = batch.modelId();
            r.hook = batch.hook();
            r.topic = topic;
            r.collectionId = batch.collectionId();
            r.kafkaPartition = partition;
            r.kafkaOffset = offset;
            r.sequence = batch.sequence();
            r.dIn = batch.dIn();
            r.rowsCount = batch.rows();
            r.payload = value;
            repository.persist(r);
            return true;
        });
        if (!stored) {
            return Outcome.ALREADY_STORED;
        }
        tokens.merge(key, (long) batch.rows(), Long::sum);
        collections.putIfAbsent(key, batch.collectionId());
        return Outcome.STORED;
    }

    private static String topicOf(ActivationBatch batch) {
        try {
            return Topics.activations(batch.modelId(), batch.hook());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public long tokens(String modelId, String hook) {
        return QuarkusTransaction.requiringNew().call(() -> repository.tokens(modelId, hook));
    }

    /**
     * Waits until the held-out set for (model, hook) is full or has stopped growing for a second, at most
     * {@code held-out-wait}; a checkpoint can arrive before the collector's eval records are consumed.
     */
    public long awaitTokens(String modelId, String hook) throws InterruptedException {
        long deadline = System.nanoTime() + config.heldOutWait().toNanos();
        long previous = -1;
        while (true) {
            long now = tokens(modelId, hook);
            boolean settled = now > 0 && now == previous;
            if (now >= config.heldOutTokens() || settled || System.nanoTime() > deadline) {
                return now;
            }
            previous = now;
            Thread.sleep(Duration.ofSeconds(1).toMillis());
        }
    }

    /** The held-out set in production order, capped at {@code held-out-tokens} rows. */
    public HeldOutSet load(String modelId, String hook) {
        List<HeldOutRecord> records = QuarkusTransaction.requiringNew().call(() -> repository.records(modelId, hook));
        if (records.isEmpty()) {
            throw new IllegalStateException("no held-out eval-split activations for model " + modelId + " hook " + hook
                    + " (is a collection with an eval fraction running?)");
        }
        List<ActivationBatch> batches = new ArrayList<>();
        for (HeldOutRecord r : records) {
            batches.add(ActivationBatchCodec.decode(r.payload, r.dIn));
        }
        return HeldOutCapture.fromBatches(batches, config.heldOutTokens());
    }
}

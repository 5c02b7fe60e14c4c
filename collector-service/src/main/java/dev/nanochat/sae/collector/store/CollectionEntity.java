package dev.nanochat.sae.collector.store;

import dev.nanochat.sae.collector.collection.CollectionPosition;
import dev.nanochat.sae.collector.collection.CollectionRequest;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import dev.nanochat.sae.corpus.CorpusPosition;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A collection's request, status, counters and resume position (schema: V1__collections.sql). */
@Entity
@Table(name = "collections")
public class CollectionEntity extends PanacheEntityBase {
    @Id
    public String id;

    @JdbcTypeCode(SqlTypes.JSON)
    public CollectionRequest request;

    @Enumerated(EnumType.STRING)
    public CollectionStatus status;

    @Column(name = "status_message")
    public String statusMessage;

    @Column(name = "model_id")
    public String modelId;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> topics;

    @Column(name = "max_tokens")
    public long maxTokens;

    @Column(name = "corpus_bytes")
    public long corpusBytes;

    public long tokens;

    @Column(name = "eval_tokens")
    public long evalTokens;

    public long records;
    public long bytes;
    public long documents;

    @Column(name = "invalid_utf8")
    public long invalidUtf8;

    @Column(name = "text_bytes")
    public long textBytes;

    @Column(name = "tokens_per_second")
    public double tokensPerSecond;

    @Column(name = "position_corpus")
    public String positionCorpus;

    @Column(name = "position_token_offset")
    public int positionTokenOffset;

    @Column(name = "next_sequence")
    public long nextSequence;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Map<Integer, Long>> offsets;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public CollectionPosition position() {
        return new CollectionPosition(
                CorpusPosition.parse(positionCorpus),
                positionTokenOffset,
                nextSequence,
                tokens,
                evalTokens,
                documents,
                invalidUtf8,
                textBytes);
    }

    public void position(CollectionPosition p) {
        positionCorpus = p.corpus().encode();
        positionTokenOffset = p.tokenOffset();
        nextSequence = p.nextSequence();
        tokens = p.tokens();
        evalTokens = p.evalTokens();
        documents = p.documents();
        invalidUtf8 = p.invalidUtf8();
        textBytes = p.textBytes();
    }
}

package dev.nanochat.sae.evaluator.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** An eval-split activation record kept verbatim (its safetensors blob) for one (model, hook). */
@Entity
@Table(name = "held_out_record")
public class HeldOutRecord extends PanacheEntityBase {
    /** bigserial: the database numbers rows, no Hibernate sequence. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(nullable = false)
    public String hook;

    @Column(nullable = false)
    public String topic;

    @Column(name = "collection_id")
    public String collectionId;

    @Column(name = "kafka_partition", nullable = false)
    public int kafkaPartition;

    @Column(name = "kafka_offset", nullable = false)
    public long kafkaOffset;

    @Column(nullable = false)
    public long sequence;

    @Column(name = "d_in", nullable = false)
    public int dIn;

    @Column(name = "rows_count", nullable = false)
    public int rowsCount;

    @Column(nullable = false)
    public byte[] payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();
}

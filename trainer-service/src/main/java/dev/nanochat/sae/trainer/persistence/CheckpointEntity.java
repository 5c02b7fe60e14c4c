package dev.nanochat.sae.trainer.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A durable checkpoint of a run: the folder it lives in and the counts it represents. */
@Entity
@Table(name = "checkpoints")
public class CheckpointEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id")
    public String runId;

    public long step;
    public long tokens;

    @Column(name = "dlq_records")
    public long dlqRecords;
    /** Collector replays skipped up to this checkpoint. */
    @Column(name = "duplicates_skipped")
    public long duplicatesSkipped;

    public String path;
    public String sha256;

    @Column(name = "final")
    public boolean isFinal;
    /** Training metrics at the checkpoint, JSON object. */
    public String metrics;

    @Column(name = "created_at")
    public Instant createdAt;
}

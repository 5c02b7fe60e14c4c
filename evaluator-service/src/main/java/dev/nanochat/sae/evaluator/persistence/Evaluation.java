package dev.nanochat.sae.evaluator.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One evaluated checkpoint; metrics are a JSON object of name → value (names as in sae.md). */
@Entity
@Table(name = "evaluation")
public class Evaluation extends PanacheEntityBase {
    /** bigserial: the database numbers rows, no Hibernate sequence. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public static final String OK = "ok";
    public static final String FAILED = "failed";

    @Column(name = "run_id", nullable = false)
    public String runId;

    @Column(nullable = false)
    public long step;

    @Column(nullable = false)
    public long tokens;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "model_id")
    public String modelId;

    public String hook;

    @Column(name = "checkpoint_path")
    public String checkpointPath;

    @Column(name = "final_checkpoint", nullable = false)
    public boolean finalCheckpoint;

    @Column(nullable = false)
    public String status;

    public String reason;
    public String notes;

    @Column(nullable = false)
    public String metrics;

    @Column(name = "eval_tokens")
    public Integer evalTokens;

    @Column(name = "duration_ms")
    public Long durationMs;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();
}

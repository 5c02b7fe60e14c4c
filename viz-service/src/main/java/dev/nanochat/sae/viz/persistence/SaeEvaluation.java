package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** The evaluator's verdict on one checkpoint (run, step), as {@code sae.evaluations} announced it. */
@Entity
@Table(name = "sae_evaluation")
@IdClass(RunPoint.Key.class)
public class SaeEvaluation extends PanacheEntityBase {
    /** The evaluator's status of a successful evaluation. */
    public static final String OK = "ok";

    @Id
    @Column(name = "run_id")
    public String runId;

    @Id
    public long step;

    @Column(nullable = false)
    public long tokens;

    @Column(name = "final_checkpoint", nullable = false)
    public boolean finalCheckpoint;

    @Column(nullable = false)
    public String status;

    public String reason;

    @Column(name = "eval_tokens")
    public Integer evalTokens;

    @Column(name = "metrics_json", nullable = false)
    public String metricsJson;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt = OffsetDateTime.now();

    public boolean ok() {
        return OK.equals(status);
    }
}

package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A point of a training curve at one (run, step): the metrics of a training-progress record and/or of a
 * checkpoint event at that step ({@link #source}).
 */
@Entity
@Table(name = "run_point")
@IdClass(RunPoint.Key.class)
public class RunPoint extends PanacheEntityBase {
    /** Only a training-progress record so far. */
    public static final String STEP = "step";
    /** A checkpoint event was seen at this step (whether or not a progress record was too). */
    public static final String CHECKPOINT = "checkpoint";

    @Id
    @Column(name = "run_id")
    public String runId;

    @Id
    public long step;

    @Column(nullable = false)
    public long tokens;

    @Column(name = "final_checkpoint", nullable = false)
    public boolean finalCheckpoint;

    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(name = "hook_name", nullable = false)
    public String hookName;

    /** {@link #STEP} or {@link #CHECKPOINT}. */
    @Column(nullable = false)
    public String source;

    @Column(name = "metrics_json", nullable = false)
    public String metricsJson;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    /** (run, step). */
    public static class Key implements Serializable {
        public String runId;
        public long step;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(runId, k.runId) && step == k.step;
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, step);
        }
    }
}

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

/** A point of a training curve: the metrics a checkpoint event carried. */
@Entity
@Table(name = "run_point")
@IdClass(RunPoint.Key.class)
public class RunPoint extends PanacheEntityBase {
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

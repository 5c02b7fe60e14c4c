package dev.nanochat.sae.neuronpedia.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One package of one checkpoint. QUEUED → BUILDING → READY, or WAITING (the dashboards are not there
 * yet; a later sae.dashboards event for the checkpoint builds it) or FAILED (with the reason).
 */
@Entity
@Table(name = "export_job")
public class ExportJob extends PanacheEntityBase {
    public static final String QUEUED = "QUEUED",
            BUILDING = "BUILDING",
            READY = "READY",
            WAITING = "WAITING",
            FAILED = "FAILED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "checkpoint_id", nullable = false)
    public String checkpointId;

    @Column(name = "run_id")
    public String runId;

    public Long step;

    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(name = "source_id", nullable = false)
    public String sourceId;

    @Column(name = "hook_name", nullable = false)
    public String hookName;

    @Column(name = "sae_path", nullable = false)
    public String saePath;

    @Column(nullable = false)
    public String status;

    public String reason;

    @Column(nullable = false)
    public double progress;

    @Column(name = "package_dir")
    public String packageDir;

    @Column(name = "archive_path")
    public String archivePath;

    @Column(name = "live_features")
    public Integer liveFeatures;

    @Column(name = "dead_features")
    public Integer deadFeatures;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt = OffsetDateTime.now();

    public static Optional<ExportJob> byCheckpoint(String checkpointId) {
        return find("checkpointId", checkpointId).firstResultOptional();
    }
}

package dev.nanochat.sae.viz.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One analysed checkpoint (an analysis job and, once DONE, its dashboards). */
@Entity
@Table(name = "dashboard")
public class Dashboard extends PanacheEntityBase {
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "checkpoint_id", nullable = false, unique = true)
    public String checkpointId;

    @Column(name = "run_id", nullable = false)
    public String runId;

    @Column(nullable = false)
    public long step;

    @Column(name = "final_checkpoint", nullable = false)
    public boolean finalCheckpoint;

    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(name = "source_id", nullable = false)
    public String sourceId;

    @Column(name = "hook_name", nullable = false)
    public String hookName;

    @Column(nullable = false)
    public String architecture;

    @Column(name = "d_in", nullable = false)
    public int dIn;

    @Column(name = "d_sae", nullable = false)
    public int dSae;

    @Column(nullable = false)
    public String path;

    /** The nanochat checkpoint the analysis used (the runtime loads it for this SAE). */
    @Column(name = "model_dir")
    public String modelDir;

    @Column(name = "model_source")
    public String modelSource;

    @Column(name = "model_tag")
    public String modelTag;

    @Column(name = "model_step")
    public Integer modelStep;

    @Column(nullable = false)
    public String status;

    public String phase;

    @Column(nullable = false)
    public double progress;

    @Column(nullable = false)
    public long tokens;

    public String error;

    @Column(name = "summary_json")
    public String summaryJson;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}

package dev.nanochat.sae.neuronpedia.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One upload (or dry run) of a READY package to one site. RUNNING → DONE | FAILED. No key here. */
@Entity
@Table(name = "upload_job")
public class UploadJob extends PanacheEntityBase {
    public static final String RUNNING = "RUNNING", DONE = "DONE", FAILED = "FAILED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "export_id", nullable = false)
    public Long exportId;

    @Column(name = "base_url", nullable = false)
    public String baseUrl;

    @Column(name = "dry_run", nullable = false)
    public boolean dryRun;

    @Column(nullable = false)
    public String status;

    public String reason;

    @Column(name = "requests_total", nullable = false)
    public int requestsTotal;

    @Column(name = "requests_done", nullable = false)
    public int requestsDone;
    /** The UploadReport as JSON. */
    public String report;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt = OffsetDateTime.now();
}

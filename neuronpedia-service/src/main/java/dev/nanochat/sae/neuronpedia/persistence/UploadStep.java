package dev.nanochat.sae.neuronpedia.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One request of an upload: target = "{export id}@{site}", key = the plan's request key. */
@Entity
@Table(name = "upload_step")
public class UploadStep extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String target;

    @Column(name = "step_key", nullable = false)
    public String stepKey;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public String digest;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt = OffsetDateTime.now();
}

package dev.nanochat.sae.trainer.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One training run (table trainer.runs, see V1 migration for column meanings). */
@Entity
@Table(name = "runs")
public class RunEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(name = "control_topic")
    public String controlTopic;

    public Integer slot;

    @Column(name = "activation_topic")
    public String activationTopic;

    @Column(name = "model_id")
    public String modelId;

    public String hook;

    @Column(name = "sae_config")
    public String saeConfig;

    @Column(name = "batch_tokens")
    public int batchTokens;

    @Column(name = "shuffle_buffer_tokens")
    public int shuffleBufferTokens;

    @Column(name = "checkpoint_every_tokens")
    public long checkpointEveryTokens;

    @Column(name = "stop_after_tokens")
    public Long stopAfterTokens;

    public String device;
    /** The owner's engine description (device, kernel path), set when it starts the run. */
    public String engine;

    @Enumerated(EnumType.STRING)
    @Column(name = "desired_state")
    public RunStatus desiredState;

    @Enumerated(EnumType.STRING)
    public RunStatus status;

    @Column(name = "owner_instance")
    public String ownerInstance;

    @Column(name = "owner_epoch")
    public long ownerEpoch;

    @Column(name = "tokens_trained")
    public long tokensTrained;

    @Column(name = "tokens_checkpointed")
    public long tokensCheckpointed;

    @Column(name = "tokens_per_second")
    public Double tokensPerSecond;

    public Double loss;
    public Double fvu;
    public Double l0;

    @Column(name = "dead_fraction")
    public Double deadFraction;

    @Column(name = "consumer_lag")
    public Long consumerLag;

    @Column(name = "dlq_records")
    public long dlqRecords;

    @Column(name = "dlq_checkpointed")
    public long dlqCheckpointed;

    @Column(name = "duplicates_skipped")
    public long duplicatesSkipped;

    @Column(name = "duplicates_checkpointed")
    public long duplicatesCheckpointed;

    @Column(name = "last_step")
    public long lastStep;

    @Column(name = "last_checkpoint_path")
    public String lastCheckpointPath;

    public String error;
    /** Transient failures survived (each resumed from the last checkpoint) and the latest one. */
    public int retries;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean finished() {
        return status.terminal();
    }
}

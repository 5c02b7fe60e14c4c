package dev.nanochat.sae.trainer.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Transactions on runs. Writes by a run's owner are fenced by owner_epoch: an instance that lost the
 * run (and does not know yet) updates 0 rows and stops, so a zombie can never move a run backwards.
 */
@ApplicationScoped
public class RunStore {
    private final EntityManager em;

    RunStore(EntityManager em) {
        this.em = em;
    }

    /** Persists a new run in the lowest free slot; empty when all slots hold unfinished runs. */
    @Transactional
    public Optional<RunEntity> create(RunEntity run, int slots) {
        // Serialise slot allocation per control topic (instances may create runs concurrently).
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, run.controlTopic)
                .getSingleResult();
        List<Integer> used = em.createQuery(
                        "select r.slot from RunEntity r where r.controlTopic = ?1 and r.slot is not null",
                        Integer.class)
                .setParameter(1, run.controlTopic)
                .getResultList();
        Set<Integer> taken = new HashSet<>(used);
        for (int s = 0; s < slots; s++) {
            if (!taken.contains(s)) {
                run.slot = s;
                run.createdAt = run.updatedAt = Instant.now();
                run.persist();
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    /** Unfinished runs (they hold a slot) of a control topic on a device. */
    @Transactional
    public long unfinishedOnDevice(String controlTopic, String device) {
        return em.createQuery(
                        "select count(r) from RunEntity r where r.controlTopic = ?1 and r.slot is not null"
                                + " and r.device = ?2",
                        Long.class)
                .setParameter(1, controlTopic)
                .setParameter(2, device)
                .getSingleResult();
    }

    /** Runs of a control topic not yet completed, stopped or failed (running, pending or paused). */
    @Transactional
    public List<RunEntity> unfinished(String controlTopic) {
        return RunEntity.list(
                "controlTopic = ?1 and status in ?2",
                controlTopic,
                List.of(RunStatus.PENDING, RunStatus.RUNNING, RunStatus.PAUSED));
    }

    @Transactional
    public Optional<RunEntity> find(String id) {
        return RunEntity.findByIdOptional(id);
    }

    @Transactional
    public List<RunEntity> list() {
        return RunEntity.list("order by createdAt desc");
    }

    @Transactional
    public Optional<RunEntity> activeInSlot(String controlTopic, int slot) {
        return RunEntity.find("controlTopic = ?1 and slot = ?2", controlTopic, slot)
                .firstResultOptional();
    }

    @Transactional
    public List<CheckpointEntity> checkpoints(String runId) {
        return CheckpointEntity.list("runId = ?1 order by tokens", runId);
    }

    @Transactional
    public Optional<CheckpointEntity> latestCheckpoint(String runId) {
        return CheckpointEntity.find("runId = ?1 order by tokens desc, id desc", runId)
                .firstResultOptional();
    }

    /** Deletes these checkpoint rows of the run; returns the paths no remaining row of the run refers to. */
    @Transactional
    public List<String> deleteCheckpoints(String runId, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<CheckpointEntity> gone = CheckpointEntity.list("runId = ?1 and id in ?2", runId, ids);
        CheckpointEntity.delete("runId = ?1 and id in ?2", runId, ids);
        java.util.Set<String> still = new java.util.HashSet<>();
        CheckpointEntity.<CheckpointEntity>list("runId", runId).forEach(c -> still.add(c.path));
        return gone.stream()
                .map(c -> c.path)
                .filter(p -> !still.contains(p))
                .distinct()
                .toList();
    }

    /** Finished runs last updated before this instant (their per-run meters can go). */
    @Transactional
    public List<String> finishedBefore(Instant before) {
        return em.createQuery("select r.id from RunEntity r where r.status in ?1 and r.updatedAt < ?2", String.class)
                .setParameter(1, List.of(RunStatus.COMPLETED, RunStatus.STOPPED, RunStatus.FAILED))
                .setParameter(2, before)
                .getResultList();
    }

    /** Sets what the user wants; returns the run, or empty when unknown. Finished runs are unchanged. */
    @Transactional
    public Optional<RunEntity> setDesired(String id, RunStatus desired) {
        Optional<RunEntity> run = RunEntity.findByIdOptional(id);
        run.filter(r -> !r.finished()).ifPresent(r -> {
            r.desiredState = desired;
            r.updatedAt = Instant.now();
        });
        return run;
    }

    /** Takes ownership: bumps the epoch (fencing the previous owner) and returns it. */
    @Transactional
    public long claim(String id, String instance) {
        RunEntity r = RunEntity.findById(id);
        r.ownerEpoch += 1;
        r.ownerInstance = instance;
        r.status = RunStatus.RUNNING;
        r.error = null;
        r.tokensTrained = r.tokensCheckpointed;
        r.dlqRecords = r.dlqCheckpointed;
        r.duplicatesSkipped = r.duplicatesCheckpointed;
        r.updatedAt = Instant.now();
        return r.ownerEpoch;
    }

    /**
     * Takes the run again after a transient failure, only if nobody claimed it meanwhile (the slot
     * may have moved while this instance was cut off): bumps the epoch, or returns -1 when fenced.
     */
    @Transactional
    public long reclaim(String id, String instance, long epoch) {
        RunEntity r = RunEntity.findById(id);
        if (r == null || r.ownerEpoch != epoch || r.status != RunStatus.RUNNING) {
            return -1;
        }
        return claim(id, instance);
    }

    /** Counts a transient failure survived by the current owner; false when fenced off. */
    @Transactional
    public boolean recordRetry(String id, long epoch, String error) {
        return em.createQuery("update RunEntity set retries = retries + 1, lastError = ?3, updatedAt = ?4"
                                + " where id = ?1 and ownerEpoch = ?2")
                        .setParameter(1, id)
                        .setParameter(2, epoch)
                        .setParameter(3, error)
                        .setParameter(4, Instant.now())
                        .executeUpdate()
                == 1;
    }

    /** Records what the owner computes the run with (device, kernels); false when fenced off. */
    @Transactional
    public boolean describeEngine(String id, long epoch, String engine) {
        return em.createQuery("update RunEntity set engine = ?3, updatedAt = ?4 where id = ?1 and ownerEpoch = ?2")
                        .setParameter(1, id)
                        .setParameter(2, epoch)
                        .setParameter(3, engine)
                        .setParameter(4, Instant.now())
                        .executeUpdate()
                == 1;
    }

    /** Refreshes live figures; false when this owner has been fenced off. */
    @Transactional
    public boolean live(String id, long epoch, LiveFigures f) {
        return em.createQuery("update RunEntity set tokensTrained = ?3, tokensPerSecond = ?4, loss = ?5, fvu = ?6,"
                                + " l0 = ?7, deadFraction = ?8, consumerLag = ?9, dlqRecords = ?10, updatedAt = ?11,"
                                + " duplicatesSkipped = ?12 where id = ?1 and ownerEpoch = ?2")
                        .setParameter(1, id)
                        .setParameter(2, epoch)
                        .setParameter(3, f.tokens())
                        .setParameter(4, f.tokensPerSecond())
                        .setParameter(5, f.loss())
                        .setParameter(6, f.fvu())
                        .setParameter(7, f.l0())
                        .setParameter(8, f.deadFraction())
                        .setParameter(9, f.consumerLag())
                        .setParameter(10, f.dlqRecords())
                        .setParameter(11, Instant.now())
                        .setParameter(12, f.duplicatesSkipped())
                        .executeUpdate()
                == 1;
    }

    /** Records a durable checkpoint; false (and nothing written) when fenced off. */
    @Transactional
    public boolean recordCheckpoint(String id, long epoch, CheckpointEntity c) {
        RunEntity r = RunEntity.findById(id);
        if (r == null || r.ownerEpoch != epoch) {
            return false;
        }
        c.runId = id;
        c.createdAt = Instant.now();
        c.persist();
        r.tokensCheckpointed = c.tokens;
        r.dlqCheckpointed = c.dlqRecords;
        r.duplicatesCheckpointed = c.duplicatesSkipped;
        r.lastStep = c.step;
        r.lastCheckpointPath = c.path;
        r.updatedAt = c.createdAt;
        return true;
    }

    /** Moves the run to a resting state; terminal states release the slot. False when fenced off. */
    @Transactional
    public boolean settle(String id, long epoch, RunStatus status, String error) {
        RunEntity r = RunEntity.findById(id);
        if (r == null || (epoch >= 0 && r.ownerEpoch != epoch)) {
            return false;
        }
        r.status = status;
        r.error = error;
        r.tokensPerSecond = null;
        // Not training here any more: what counts is what the last checkpoint holds.
        r.tokensTrained = r.tokensCheckpointed;
        r.dlqRecords = r.dlqCheckpointed;
        r.duplicatesSkipped = r.duplicatesCheckpointed;
        if (status.terminal()) {
            r.slot = null;
        }
        r.updatedAt = Instant.now();
        return true;
    }
}

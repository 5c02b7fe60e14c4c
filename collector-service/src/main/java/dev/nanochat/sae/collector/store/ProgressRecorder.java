package dev.nanochat.sae.collector.store;

import dev.nanochat.sae.collector.collection.CollectionListener;
import dev.nanochat.sae.collector.collection.CollectionProgress;
import dev.nanochat.sae.collector.collection.CollectionStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Persists what one runner reports ({@link ProgressMetrics} feeds the metrics). Progress is written at
 * most every {@code PERSIST_MILLIS} (the resume position only ever moves forward, so a skipped write
 * merely means a slightly longer replay after a crash); status changes are written at once.
 * A database error never ends a collection: progress and running/waiting writes are skipped (and
 * retried with the next report), and the final status is retried with backoff until PostgreSQL takes
 * it, so a row is never left RUNNING while no thread runs it (only a process exit does that, and the
 * next start resumes such rows).
 */
public final class ProgressRecorder implements CollectionListener {
    private static final Logger LOG = Logger.getLogger(ProgressRecorder.class);
    private static final long PERSIST_MILLIS = 500;

    private final String id;
    private final ProgressMetrics metrics;
    private final long baseBytes;
    private final int hooks;
    private long lastPersist;
    private CollectionProgress latest;
    private volatile boolean waiting;
    private boolean dbDown;

    public ProgressRecorder(CollectionEntity entity, ProgressMetrics metrics) {
        this.id = entity.id;
        this.baseBytes = entity.bytes;
        this.hooks = entity.topics.size();
        this.metrics = metrics;
    }

    @Override
    public void waiting(String reason) {
        if (!waiting) {
            LOG.warnf("collection %s waiting for Kafka: %s", id, reason);
        }
        waiting = true;
        update(e -> status(e, CollectionStatus.WAITING_FOR_KAFKA, reason));
    }

    @Override
    public void resumed() {
        running();
    }

    @Override
    public void running() {
        waiting = false;
        update(e -> status(e, CollectionStatus.RUNNING, null));
    }

    @Override
    public void progress(CollectionProgress p) {
        metrics.count(p);
        latest = p;
        long now = System.currentTimeMillis();
        if (now - lastPersist >= PERSIST_MILLIS) {
            lastPersist = now;
            update(e -> apply(e, p));
        }
    }

    @Override
    public void finished(CollectionStatus status, String message) {
        metrics.stopped();
        long backoff = 500;
        while (!update(e -> {
            if (latest != null) {
                apply(e, latest);
            }
            status(e, status, message);
            e.finishedAt = Instant.now();
        })) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                // shutting down: the row stays unfinished and is resumed on the next start
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, 5_000);
        }
        LOG.infof(
                "collection %s %s: %d tokens%s",
                id,
                status,
                latest == null ? 0 : latest.committed().tokens(),
                message == null ? "" : " (" + message + ")");
    }

    private void apply(CollectionEntity e, CollectionProgress p) {
        e.position(p.committed());
        e.offsets = p.offsets();
        e.records = p.committed().nextSequence() * hooks;
        e.bytes = baseBytes + p.bytesThisRun();
        e.tokensPerSecond = p.tokensPerSecond();
        if (!waiting) {
            e.status = CollectionStatus.RUNNING;
        }
    }

    private static void status(CollectionEntity e, CollectionStatus status, String message) {
        e.status = status;
        e.statusMessage = message;
    }

    /**
     * One transaction per change; rows that reached a terminal status (e.g. cancelled while idle) stay
     * as they are. False (logged once per outage) when the database refused it.
     */
    private boolean update(Consumer<CollectionEntity> change) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                CollectionEntity e = CollectionEntity.findById(id);
                if (e != null && !e.status.terminal()) {
                    change.accept(e);
                    e.updatedAt = Instant.now();
                }
            });
            if (dbDown) {
                LOG.infof("collection %s: database writes work again", id);
            }
            dbDown = false;
            return true;
        } catch (RuntimeException ex) {
            if (!dbDown) {
                LOG.warnf(
                        "collection %s: cannot write its progress to the database (%s); collecting on",
                        id, ex.toString());
            }
            dbDown = true;
            return false;
        }
    }
}

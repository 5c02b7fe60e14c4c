package dev.nanochat.sae.collector.store;

import dev.nanochat.sae.collector.run.CollectionListener;
import dev.nanochat.sae.collector.run.CollectionProgress;
import dev.nanochat.sae.collector.run.CollectionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Persists what one runner reports and feeds the metrics. Progress is written at most every
 * {@code PERSIST_MILLIS} (the resume position only ever moves forward, so a skipped write merely
 * means a slightly longer replay after a crash); status changes are written at once.
 */
public final class ProgressRecorder implements CollectionListener {
    private static final Logger LOG = Logger.getLogger(ProgressRecorder.class);
    private static final long PERSIST_MILLIS = 500;

    private final String id;
    private final Counter tokens, records, bytes;
    private final AtomicLong tokensPerSecond;
    private final long baseBytes;
    private final int hooks;
    private long lastPersist;
    private long lastTokens, lastRecords, lastBytes;
    private CollectionProgress latest;
    private volatile boolean waiting;

    public ProgressRecorder(CollectionEntity entity, MeterRegistry registry, AtomicLong tokensPerSecondGauge) {
        this.id = entity.id;
        this.baseBytes = entity.bytes;
        this.lastTokens = entity.tokens;
        this.hooks = entity.topics.size();
        this.tokens = registry.counter("sae.collector.tokens", "model", entity.modelId);
        this.records = registry.counter("sae.collector.records", "model", entity.modelId);
        this.bytes = registry.counter("sae.collector.bytes", "model", entity.modelId);
        this.tokensPerSecond = tokensPerSecondGauge;
    }

    @Override
    public void waiting(String reason) {
        if (!waiting) {
            LOG.warnf("collection %s waiting for Kafka: %s", id, reason);
        }
        waiting = true;
        update(e -> {
            e.status = CollectionStatus.WAITING_FOR_KAFKA;
            e.statusMessage = reason;
        });
    }

    @Override
    public void resumed() {
        running();
    }

    @Override
    public void running() {
        waiting = false;
        update(e -> {
            e.status = CollectionStatus.RUNNING;
            e.statusMessage = null;
        });
    }

    @Override
    public void progress(CollectionProgress p) {
        count(p);
        latest = p;
        long now = System.currentTimeMillis();
        if (now - lastPersist >= PERSIST_MILLIS) {
            lastPersist = now;
            persist(p);
        }
    }

    @Override
    public void finished(CollectionStatus status, String message) {
        tokensPerSecond.set(0);
        update(e -> {
            if (latest != null) {
                apply(e, latest);
            }
            e.status = status;
            e.statusMessage = message;
            e.finishedAt = Instant.now();
        });
        LOG.infof("collection %s %s: %d tokens%s", id, status, latest == null ? 0 : latest.committed().tokens(),
                message == null ? "" : " (" + message + ")");
    }

    private void count(CollectionProgress p) {
        long t = p.committed().tokens();
        if (t > lastTokens) {
            tokens.increment(t - lastTokens);
        }
        lastTokens = t;
        records.increment(p.recordsThisRun() - lastRecords);
        bytes.increment(p.bytesThisRun() - lastBytes);
        lastRecords = p.recordsThisRun();
        lastBytes = p.bytesThisRun();
        tokensPerSecond.set(Math.round(p.tokensPerSecond()));
    }

    private void persist(CollectionProgress p) {
        update(e -> apply(e, p));
    }

    private void apply(CollectionEntity e, CollectionProgress p) {
        e.position(p.committed());
        e.offsets = p.offsets();
        e.records = p.committed().nextSequence() * hooks;
        e.bytes = baseBytes + p.bytesThisRun();
        e.tokensPerSecond = p.tokensPerSecond();
        if (waiting) {
            return;
        }
        e.status = CollectionStatus.RUNNING;
    }

    private void update(Consumer<CollectionEntity> change) {
        QuarkusTransaction.requiringNew().run(() -> {
            CollectionEntity e = CollectionEntity.findById(id);
            if (e != null && !e.status.terminal()) {
                change.accept(e);
                e.updatedAt = Instant.now();
            }
        });
    }
}

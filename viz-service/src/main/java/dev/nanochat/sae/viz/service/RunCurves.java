package dev.nanochat.sae.viz.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.core.records.CheckpointEvent;
import dev.nanochat.sae.core.records.TrainingProgress;
import dev.nanochat.sae.viz.persistence.RunPoint;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Map;

/**
 * Training curves: one stored point per (run, step) from training-progress records (per step, about
 * once a second) and checkpoint events, broadcast to every open runs page over SSE when it is new or
 * changed, so curves move while a run trains.
 *
 * <p>Merging: the two topics arrive in any order and on two consumer threads (or two viz pods), so a
 * point is created by {@code INSERT ... ON CONFLICT DO NOTHING} and otherwise merged under a row lock.
 * A checkpoint's metrics win over the step's (same step, same numbers, plus its own counts) and it sets
 * {@code final_checkpoint} and source = checkpoint; a progress record only adds metrics a point lacks.
 * A repeated record changes nothing and is not broadcast.
 *
 * <p>Bound: a run of days has hundreds of thousands of steps. What a page loads is thinned in
 * PostgreSQL to about {@link #MAX_POINTS_PER_RUN} points per run: every checkpoint point, the first and
 * the last, and every n-th of the rest (n chosen per run so the total stays within the budget).
 */
@ApplicationScoped
public class RunCurves {
    /** Points per run the runs page (and {@code /api/runs/points} by default) loads at most, about. */
    public static final int MAX_POINTS_PER_RUN = 2000;

    /** Points one SSE subscriber may be behind before it is dropped. */
    static final int STREAM_BUFFER = 10_000;

    private static final String INSERT = "INSERT INTO {h-schema}run_point (run_id, step, tokens, final_checkpoint,"
            + " model_id, hook_name, source, metrics_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, now())"
            + " ON CONFLICT (run_id, step) DO NOTHING";

    // i: position in the run by step; n: points of the run; c: its checkpoint points. Kept: checkpoints, the
    // first, the last, and every ceil(n / (budget - c))-th point, so the rest number at most budget - c.
    private static final String THINNED = "SELECT run_id, step, tokens, final_checkpoint, source, metrics_json FROM"
            + " (SELECT p.*, row_number() OVER w AS i, count(*) OVER r AS n,"
            + " count(*) FILTER (WHERE p.source = 'checkpoint') OVER r AS c FROM {h-schema}run_point p"
            + " WINDOW w AS (PARTITION BY run_id ORDER BY step), r AS (PARTITION BY run_id)) t"
            + " WHERE source = 'checkpoint' OR i = 1 OR i = n"
            + " OR MOD(i - 1, CAST(CEIL(CAST(n AS numeric) / GREATEST(1, ?1 - c)) AS bigint)) = 0"
            + " ORDER BY run_id, step";

    @Inject
    ObjectMapper json;

    private final BroadcastProcessor<String> broadcast = BroadcastProcessor.create();

    public void record(CheckpointEvent e) throws Exception {
        record(
                e.runId(),
                e.step(),
                e.tokens(),
                e.finalCheckpoint(),
                e.modelId(),
                e.hook(),
                RunPoint.CHECKPOINT,
                e.metrics());
    }

    public void record(TrainingProgress p) throws Exception {
        record(p.runId(), p.step(), p.tokens(), false, p.modelId(), p.hook(), RunPoint.STEP, p.metrics());
    }

    private void record(
            String runId,
            long step,
            long tokens,
            boolean fin,
            String modelId,
            String hook,
            String source,
            Map<String, Double> values)
            throws Exception {
        ObjectNode metrics = json.createObjectNode();
        values.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) metrics.put(k, v);
        });
        String metricsJson = json.writeValueAsString(metrics);
        ObjectNode changed = QuarkusTransaction.requiringNew().call(() -> {
            int inserted = RunPoint.getEntityManager()
                    .createNativeQuery(INSERT)
                    .setParameter(1, runId)
                    .setParameter(2, step)
                    .setParameter(3, tokens)
                    .setParameter(4, fin)
                    .setParameter(5, modelId)
                    .setParameter(6, hook)
                    .setParameter(7, source)
                    .setParameter(8, metricsJson)
                    .executeUpdate();
            if (inserted == 1) return point(runId, step, tokens, fin, source, metrics);
            RunPoint.Key key = new RunPoint.Key();
            key.runId = runId;
            key.step = step;
            RunPoint p = RunPoint.findById(key, LockModeType.PESSIMISTIC_WRITE);
            ObjectNode merged = (ObjectNode) json.readTree(p.metricsJson);
            ObjectNode before = merged.deepCopy();
            boolean checkpoint = RunPoint.CHECKPOINT.equals(source);
            if (checkpoint) {
                merged.setAll(metrics);
            } else {
                metrics.fields().forEachRemaining(f -> {
                    if (!merged.has(f.getKey())) merged.set(f.getKey(), f.getValue());
                });
            }
            String newSource = checkpoint ? RunPoint.CHECKPOINT : p.source;
            boolean newFinal = p.finalCheckpoint || fin;
            if (merged.equals(before) && newSource.equals(p.source) && newFinal == p.finalCheckpoint) return null;
            p.metricsJson = json.writeValueAsString(merged);
            p.source = newSource;
            p.finalCheckpoint = newFinal;
            return point(runId, step, p.tokens, newFinal, newSource, merged);
        });
        if (changed != null) emit(json.writeValueAsString(changed));
    }

    /** Serialised: the checkpoint and progress consumers call this from their own threads. */
    private synchronized void emit(String point) {
        broadcast.onNext(point);
    }

    public ObjectNode point(String runId, long step, long tokens, boolean fin, String source, ObjectNode metrics) {
        ObjectNode o = json.createObjectNode();
        o.put("runId", runId);
        o.put("step", step);
        o.put("tokens", tokens);
        o.put("final", fin);
        o.put("source", source);
        o.set("metrics", metrics);
        return o;
    }

    /** The stored points, thinned to about {@code maxPerRun} per run (see the class comment), by run and step. */
    public List<ObjectNode> all(int maxPerRun) {
        if (maxPerRun < 2) throw new IllegalArgumentException("maxPerRun must be ≥ 2, got " + maxPerRun);
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> RunPoint.getEntityManager()
                .createNativeQuery(THINNED)
                .setParameter(1, maxPerRun)
                .getResultList());
        return rows.stream()
                .map(r -> (Object[]) r)
                .map(r -> {
                    try {
                        return point(
                                (String) r[0],
                                ((Number) r[1]).longValue(),
                                ((Number) r[2]).longValue(),
                                (Boolean) r[3],
                                (String) r[4],
                                (ObjectNode) json.readTree((String) r[5]));
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                })
                .toList();
    }

    /**
     * New and changed points as they arrive. A broadcast fails a subscriber that has not requested the
     * next item, and a burst (a backlog of progress records after a restart, many runs at once) outpaces
     * an SSE connection's requests: each subscriber gets its own buffer, and only a client that falls
     * {@value #STREAM_BUFFER} points behind is cut off (its EventSource reconnects).
     */
    public Multi<String> stream() {
        return broadcast.onOverflow().buffer(STREAM_BUFFER);
    }
}

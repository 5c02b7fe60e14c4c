package dev.nanochat.sae.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Encodes tracked hook activations off the forward's thread. Tracking changes nothing the model sees,
 * so the next layer (and the next generated token) need not wait for the SAE's encoder GEMM, its host
 * copy and the top-N: the hook copies x (one device copy: the forward frees or rewrites its arrays when
 * the pass ends) and hands it to this run's one worker thread, which appends to the traces in
 * submission order. The run waits for the worker before it returns its traces ({@link #drain}).
 *
 * <p>Copies are encoded in chunks of at least {@link #CHUNK_ROWS} positions per trace, not one job per
 * hook call: a decode step at batch 1 hands over one row, and encoding it alone would read all of
 * W_enc (d_in·d_sae floats) for one row: at small batch decoding is memory-bound, so per-token encodes
 * cost what the SAE's weight bytes cost against the model's (22% per step for 4 SAEs of 8× width on
 * a 12-layer model). One [≥64, d_in] GEMM reads W_enc once for 64 positions. Traces get the same rows
 * in the same order (the chunk is the calls' rows concatenated), and {@link #drain} flushes the rest.
 *
 * <p>Design: one single-thread executor per run (a run's traces stay ordered without locks; concurrent
 * runs do not queue behind each other); the worker switches libtorch's grad mode off for itself (grad
 * mode is per thread and on in new threads); copies live in sub-managers of the run's manager, closed
 * by the worker when a job ends. A failed job fails the run at {@link #drain}.
 */
final class TraceWorker implements AutoCloseable {
    private final NDManager manager;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(
                () -> {
                    JniUtils.setGradMode(false);
                    r.run();
                },
                "sae-trace");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Future<?>> pending = new ArrayDeque<>();
    /** Positions gathered per trace since its last job, in call order (flattened to [rows, d_in]). */
    private final Map<FeatureTrace, Chunk> open = new IdentityHashMap<>();

    static final int CHUNK_ROWS = 64;

    private record Chunk(AttachedSae sae, NDArray chosenIdx, NDManager job, List<NDArray> rows, long[] count) {}

    TraceWorker(NDManager runManager) {
        this.manager = runManager;
    }

    /** Queues the encoding of a copy of {@code x} into {@code trace} (sent once its chunk is full). */
    void submit(AttachedSae sae, FeatureTrace trace, NDArray chosenIdx, NDArray x) {
        Chunk c = open.computeIfAbsent(
                trace, t -> new Chunk(sae, chosenIdx, manager.newSubManager(), new ArrayList<>(), new long[1]));
        long d = x.getShape().get(x.getShape().dimension() - 1);
        NDArray copy = x.reshape(-1, d).duplicate();
        NDScope.unregister(copy); // the forward's layer scope would free it when the layer ends
        copy.attach(c.job);
        c.rows.add(copy);
        c.count[0] += copy.getShape().get(0);
        if (c.count[0] >= CHUNK_ROWS) send(trace);
    }

    private void send(FeatureTrace trace) {
        Chunk c = open.remove(trace);
        pending.add(executor.submit(() -> {
            try (NDManager job = c.job) {
                NDArray rows = c.rows.size() == 1 ? c.rows.get(0) : NDArrays.concat(new NDList(c.rows), 0);
                trace.append(c.sae.sae().encode(rows), c.chosenIdx);
            }
        }));
    }

    /** Sends the partly filled chunks, then waits for every queued job; rethrows the first failure. */
    void drain() {
        new ArrayList<>(open.keySet()).forEach(this::send);
        while (!pending.isEmpty()) {
            try {
                pending.poll().get();
            } catch (ExecutionException e) {
                cancelRest();
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException("feature tracking failed", c);
            } catch (InterruptedException e) {
                cancelRest();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for feature tracking", e);
            }
        }
    }

    private void cancelRest() {
        open.values().forEach(c -> c.job.close());
        open.clear();
        pending.forEach(f -> f.cancel(false));
        pending.clear();
    }

    /** Stops the worker after the jobs already running; the run's manager may be closed after this. */
    @Override
    public void close() {
        cancelRest();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.MINUTES))
                throw new IllegalStateException("feature tracking did not stop within a minute");
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

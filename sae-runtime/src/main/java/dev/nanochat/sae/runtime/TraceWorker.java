package dev.nanochat.sae.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.Deque;
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

    TraceWorker(NDManager runManager) {
        this.manager = runManager;
    }

    /** Queues the encoding of a copy of {@code x} into {@code trace}. */
    void submit(AttachedSae sae, FeatureTrace trace, NDArray chosenIdx, NDArray x) {
        NDManager job = manager.newSubManager();
        NDArray copy = x.duplicate();
        NDScope.unregister(copy); // the forward's layer scope would free it when the layer ends
        copy.attach(job);
        pending.add(executor.submit(() -> {
            try (job) {
                trace.append(sae.sae().encode(copy), chosenIdx);
            }
        }));
    }

    /** Waits for every queued job; rethrows the first failure. */
    void drain() {
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

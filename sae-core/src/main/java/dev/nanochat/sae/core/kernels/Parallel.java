package dev.nanochat.sae.core.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fixed pool for the Java kernels. Work is split into {@code threads} contiguous chunks decided by the
 * sizes only (never by timing), and partial sums are combined in chunk order, so results are bitwise
 * reproducible run to run — required for exact resume.
 */
public final class Parallel implements AutoCloseable {
    /** Body of one chunk: [from, to) with its chunk index. */
    public interface Chunk {
        void run(int chunk, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1
                ? null
                : Executors.newFixedThreadPool(this.threads, r -> {
                    Thread t = new Thread(r, "sae-kernel");
                    t.setDaemon(true);
                    return t;
                });
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, n) in equal contiguous chunks. */
    public void forRange(int n, Chunk body) {
        int[] bounds = new int[threads + 1];
        for (int c = 0; c <= threads; c++) bounds[c] = (int) ((long) n * c / threads);
        forBounds(bounds, body);
    }

    /** Runs body over the given chunk boundaries (bounds[c] .. bounds[c+1]). */
    public void forBounds(int[] bounds, Chunk body) {
        int chunks = bounds.length - 1;
        if (pool == null || chunks == 1) {
            for (int c = 0; c < chunks; c++) body.run(c, bounds[c], bounds[c + 1]);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int c = 1; c < chunks; c++) {
            final int cc = c;
            futures.add(pool.submit(() -> body.run(cc, bounds[cc], bounds[cc + 1])));
        }
        body.run(0, bounds[0], bounds[1]);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}

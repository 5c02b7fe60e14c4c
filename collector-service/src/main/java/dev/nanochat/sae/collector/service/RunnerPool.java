package dev.nanochat.sae.collector.service;

import dev.nanochat.sae.collector.collection.CollectionRunner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runners in flight, by collection id, on a fixed pool of daemon threads; a runner leaves when it returns. */
final class RunnerPool {
    private final Map<String, CollectionRunner> runners = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    RunnerPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "collector-runner-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void launch(String id, CollectionRunner runner) {
        runners.put(id, runner);
        executor.submit(() -> {
            try {
                runner.run();
            } finally {
                runners.remove(id);
            }
        });
    }

    /** Cancels the collection's runner; false if none is in flight. */
    boolean cancel(String id) {
        CollectionRunner r = runners.get(id);
        if (r != null) {
            r.cancel();
        }
        return r != null;
    }

    /** Stops a runner without a terminal status (it resumes on the next start). */
    void stop(String id) {
        CollectionRunner r = runners.get(id);
        if (r != null) {
            r.stop();
        }
    }

    boolean active(String id) {
        return runners.containsKey(id);
    }

    /** Stops every runner at its next step boundary and waits up to {@code seconds} for them. */
    void shutdown(int seconds) {
        runners.values().forEach(CollectionRunner::stop);
        executor.shutdown();
        try {
            executor.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

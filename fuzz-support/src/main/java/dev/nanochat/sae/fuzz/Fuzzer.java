package dev.nanochat.sae.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs a parser over seeded mutations of real files and sorts every case into: a valid result, a
 * typed error (one of the parser's documented exception classes), or a failure — any other
 * exception or Error (StackOverflowError, OutOfMemoryError), a case slower than the timeout (a hang),
 * or one that allocated more than the memory budget (measured per case with the JVM's per-thread
 * allocation counter). Design: each case runs on a worker thread so a hang is cut off and reported
 * instead of stalling the build; a hung worker is abandoned (daemon) and replaced. The same seed
 * always gives the same cases, and a failure names the case's seed so it can be replayed.
 */
public final class Fuzzer {
    /** The code under test: parse the bytes (and check the result; an AssertionError is a failure). */
    @FunctionalInterface
    public interface Parser {
        Object parse(byte[] input) throws Exception;
    }

    private final String name;
    private final List<byte[]> seeds = new ArrayList<>();
    private Predicate<Throwable> typed = t -> false;
    private long seed = 1;
    private int cases = 2000;
    private int hotBytes;
    private Duration timeout = Duration.ofSeconds(5);
    private long fixedBudget = 64L << 20;
    private long perInputByte = 64;

    private Fuzzer(String name) {
        this.name = name;
    }

    public static Fuzzer named(String parser) {
        return new Fuzzer(parser);
    }

    /** A real file to mutate (several may be given; cases cycle through them). */
    public Fuzzer input(byte[] file) {
        seeds.add(file);
        return this;
    }

    @SafeVarargs
    public final Fuzzer typedErrors(Class<? extends Throwable>... classes) {
        for (Class<? extends Throwable> c : classes) typed = typed.or(c::isInstance);
        return this;
    }

    /** Also counts as typed what {@code rule} accepts (e.g. an exact class whose message names the file). */
    public Fuzzer typedErrorIf(Predicate<Throwable> rule) {
        typed = typed.or(rule);
        return this;
    }

    public Fuzzer seed(long value) {
        seed = value;
        return this;
    }

    public Fuzzer cases(int n) {
        cases = n;
        return this;
    }

    public Fuzzer hotBytes(int n) {
        hotBytes = n;
        return this;
    }

    public Fuzzer timeoutPerCase(Duration d) {
        timeout = d;
        return this;
    }

    /** Allocation allowed per case: {@code fixed + perByte × input length}. */
    public Fuzzer memoryBudget(long fixed, long perByte) {
        fixedBudget = fixed;
        perInputByte = perByte;
        return this;
    }

    public FuzzReport run(Parser parser) {
        if (seeds.isEmpty()) throw new IllegalStateException(name + ": no input file to mutate");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Mutator mutator = new Mutator(seed, hotBytes);
        ExecutorService worker = newWorker();
        Map<String, Integer> errors = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int valid = 0, run = 0;
        long maxAllocated = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < cases; i++) {
                byte[] input = mutator.mutate(seeds.get(i % seeds.size()));
                String where = name + " case " + i + " (seed " + seed + ", " + input.length + " bytes)";
                Future<long[]> f = worker.submit(() -> {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    Throwable thrown = null;
                    try {
                        parser.parse(input);
                    } catch (Throwable t) {
                        thrown = t;
                    }
                    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    if (thrown != null) throw new Thrown(thrown, allocated);
                    return new long[] {allocated};
                });
                run++;
                long allocated;
                try {
                    allocated = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
                    valid++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker();
                    failures.add(where + ": no result within " + timeout.toMillis() + " ms (hang)");
                    if (failures.size() >= 20) break;
                    continue;
                } catch (ExecutionException e) {
                    Thrown t = (Thrown) e.getCause();
                    allocated = t.allocated;
                    Throwable cause = t.getCause();
                    if (typed.test(cause)) {
                        errors.merge(cause.getClass().getSimpleName(), 1, Integer::sum);
                    } else {
                        failures.add(where + ": " + cause.getClass().getName() + ": " + firstLine(cause) + " at "
                                + (cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : "?"));
                        if (failures.size() >= 20) break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(name + ": interrupted", e);
                }
                long budget = fixedBudget + perInputByte * input.length;
                if (allocated > budget) {
                    failures.add(where + ": allocated " + allocated + " bytes, budget " + budget);
                }
                maxAllocated = Math.max(maxAllocated, allocated);
            }
        } finally {
            worker.shutdownNow();
        }
        return new FuzzReport(
                name, run, valid, errors, failures, maxAllocated, Duration.ofNanos(System.nanoTime() - start));
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? (m.length() > 300 ? m.substring(0, 300) : m) : m.substring(0, Math.min(nl, 300));
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            // A deep stack like the JVM's main thread, so StackOverflowError reflects the parser, not us.
            Thread t = new Thread(null, r, "fuzz-worker", 0);
            t.setDaemon(true);
            return t;
        });
    }

    /** Carries a case's throwable and its allocation out of the worker. */
    private static final class Thrown extends Exception {
        final long allocated;

        Thrown(Throwable cause, long allocated) {
            super(cause);
            this.allocated = allocated;
        }
    }
}

package dev.nanochat.sae.collector.collection;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Advances the resume position only over fully acknowledged forward steps.
 *
 * <p>Each forward step registers how many records it sent and the position just after it. Acks
 * (from the producer's I/O thread) decrement the step's count; the committed position moves to the
 * end of the longest prefix of steps whose records are all acknowledged, so a crash can only replay
 * steps, never skip one. The first delivery failure is kept; the runner then rewinds to
 * {@link #committed()}. Offsets are the highest acknowledged offset per topic and partition.
 */
public final class AckTracker {
    private static final class Step {
        final CollectionPosition end;
        int pending;
        final long bytes;

        Step(CollectionPosition end, int pending, long bytes) {
            this.end = end;
            this.pending = pending;
            this.bytes = bytes;
        }
    }

    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private final Map<String, Map<Integer, Long>> offsets = new TreeMap<>();
    private CollectionPosition committed;
    private long records;
    private long bytes;
    private Exception failure;

    public AckTracker(CollectionPosition start, Map<String, Map<Integer, Long>> knownOffsets) {
        this.committed = start;
        knownOffsets.forEach((t, p) -> offsets.put(t, new TreeMap<>(p)));
    }

    /** Opens a step of {@code records} records whose end is {@code end}; returns its handle for acks. */
    public synchronized Object beginStep(CollectionPosition end, int records, long bytes) {
        Step s = new Step(end, records, bytes);
        steps.addLast(s);
        if (records == 0) {
            advance();
        }
        return s;
    }

    public synchronized void acked(Object step, RecordMetadata md) {
        offsets.computeIfAbsent(md.topic(), t -> new TreeMap<>()).merge(md.partition(), md.offset(), Math::max);
        records++;
        ((Step) step).pending--;
        advance();
    }

    public synchronized void failed(Exception e) {
        if (failure == null) {
            failure = e;
        }
    }

    public synchronized Exception failure() {
        return failure;
    }

    public synchronized CollectionPosition committed() {
        return committed;
    }

    /** Records acknowledged by this tracker (not counting earlier runs). */
    public synchronized long ackedRecords() {
        return records;
    }

    /** Payload bytes of fully acknowledged steps (this tracker only). */
    public synchronized long ackedBytes() {
        return bytes;
    }

    public synchronized int pendingSteps() {
        return steps.size();
    }

    public synchronized Map<String, Map<Integer, Long>> offsets() {
        Map<String, Map<Integer, Long>> copy = new TreeMap<>();
        offsets.forEach((t, p) -> copy.put(t, new TreeMap<>(p)));
        return copy;
    }

    private void advance() {
        while (!steps.isEmpty() && steps.peekFirst().pending == 0) {
            Step s = steps.removeFirst();
            committed = s.end;
            bytes += s.bytes;
        }
    }
}

package dev.nanochat.sae.trainer.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * Skips collector replays. The collector is at-least-once: after a crash it re-sends records with the
 * same {@code sae-sequence} and identical content. Within one partition the sequences of one collection
 * increase strictly, except for replays, which go back to at most the highest already seen. So one
 * high-water mark per (partition, collection) — the highest sequence trained — tells a replay from a
 * new record, and the state stays one number per partition × collection.
 *
 * The marks travel in the run's checkpointed source position, next to the offsets, so a resumed or
 * taken-over run keeps skipping what the checkpoint has trained. Keys are
 * {@code "seq|<topic>|<partition>|<collection>"} → highest trained sequence; '|' cannot occur in a
 * Kafka topic name, so they never collide with the {@code "<topic>:<partition>"} offset keys.
 */
public final class ReplayFilter {
    private static final String PREFIX = "seq|";

    private final String keyPrefix;
    private final Map<String, Long> highest = new HashMap<>();

    /** Restores this topic's marks from a checkpointed position (other keys are ignored). */
    public ReplayFilter(String topic, Map<String, String> position) {
        this.keyPrefix = PREFIX + topic + "|";
        position.forEach((key, value) -> {
            if (key.startsWith(keyPrefix)) {
                highest.put(key, Long.parseLong(value));
            }
        });
    }

    /**
     * True when {@code sequence} is new for (partition, collection) — the caller trains it and the mark
     * moves to it; false for a replay (sequence ≤ the highest already trained).
     */
    public boolean admit(int partition, String collection, long sequence) {
        String key = keyPrefix + partition + "|" + collection;
        Long mark = highest.get(key);
        if (mark != null && sequence <= mark) {
            return false;
        }
        highest.put(key, sequence);
        return true;
    }

    /** Adds the marks to a source position being checkpointed. */
    public void writeTo(Map<String, String> position) {
        highest.forEach((key, mark) -> position.put(key, Long.toString(mark)));
    }
}

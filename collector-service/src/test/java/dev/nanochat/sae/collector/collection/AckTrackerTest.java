package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.corpus.CorpusPosition;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
    static CollectionPosition at(long seq) {
        return new CollectionPosition(new CorpusPosition(0, seq), 0, seq, seq * 10, 0, 0, 0, 0);
    }

    static RecordMetadata md(String topic, int partition, long offset) {
        return new RecordMetadata(new TopicPartition(topic, partition), offset, 0, 0L, 0, 0);
    }

    @Test
    void commits_only_the_fully_acknowledged_prefix_of_steps() {
        AckTracker t = new AckTracker(at(0), Map.of());
        Object s1 = t.beginStep(at(2), 2, 100);
        Object s2 = t.beginStep(at(4), 2, 100);
        t.acked(s2, md("a", 0, 5));
        t.acked(s2, md("a", 1, 3));
        assertEquals(at(0), t.committed()); // step 2 done, step 1 not: nothing moves
        t.acked(s1, md("a", 0, 4));
        assertEquals(at(0), t.committed());
        t.acked(s1, md("a", 2, 9));
        assertEquals(at(4), t.committed());
        assertEquals(200, t.ackedBytes());
        assertEquals(Map.of("a", Map.of(0, 5L, 1, 3L, 2, 9L)), t.offsets());
    }

    @Test
    void keeps_the_first_failure_and_prior_offsets() {
        AckTracker t = new AckTracker(at(0), Map.of("a", Map.of(0, 41L)));
        t.failed(new IllegalStateException("first"));
        t.failed(new IllegalStateException("second"));
        assertEquals("first", t.failure().getMessage());
        assertEquals(Map.of("a", Map.of(0, 41L)), t.offsets());
    }
}

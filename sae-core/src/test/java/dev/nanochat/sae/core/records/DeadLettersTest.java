package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanochat.sae.core.records.InvalidRecordException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    @Test
    void headersNameReasonAndOrigin() {
        byte[] value = {1, 2, 3};
        InvalidRecordException cause =
                new InvalidRecordException(Reason.WRONG_D_IN, "record d_in 64 but this consumer expects 128");
        DeadLetter d = DeadLetter.of("sae.activations.d2-000600.blocks.1.hook_resid_post", 3, 1234L, cause, value);
        Map<String, String> h = DeadLetters.headers(d);
        assertEquals(
                List.of("sae-dlq-reason", "sae-dlq-topic", "sae-dlq-partition", "sae-dlq-offset"),
                List.copyOf(h.keySet()));
        assertEquals("wrong_d_in: record d_in 64 but this consumer expects 128", h.get("sae-dlq-reason"));
        assertEquals("3", h.get("sae-dlq-partition"));
        assertEquals("1234", h.get("sae-dlq-offset"));
        DeadLetter back = DeadLetters.fromHeaders(h, value);
        assertEquals(d.sourceTopic(), back.sourceTopic());
        assertEquals(1234L, back.offset());
        assertArrayEquals(value, back.value());
    }

    @Test
    void longReasonsAreCapped() {
        DeadLetter d = new DeadLetter("t", 0, 0, "x".repeat(5000), null);
        String reason = DeadLetters.headers(d).get("sae-dlq-reason");
        assertEquals(1000, reason.length());
        assertEquals('…', reason.charAt(999));
    }

    @Test
    void fromHeadersNeedsNumbers() {
        assertThrows(IllegalArgumentException.class, () -> DeadLetters.fromHeaders(Map.of("sae-dlq-topic", "t"), null));
    }
}

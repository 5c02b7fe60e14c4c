package dev.nanochat.sae.core.records;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka header form of {@link DeadLetter}: {@code sae-dlq-reason}, {@code sae-dlq-topic},
 * {@code sae-dlq-partition}, {@code sae-dlq-offset}. The value is the original bytes, so a fixed
 * consumer can replay it; reasons are capped in length because they may quote hostile input.
 */
public final class DeadLetters {
    public static final String HEADER_REASON = "sae-dlq-reason";
    public static final String HEADER_TOPIC = "sae-dlq-topic";
    public static final String HEADER_PARTITION = "sae-dlq-partition";
    public static final String HEADER_OFFSET = "sae-dlq-offset";
    public static final int MAX_REASON_CHARS = 1000;

    private DeadLetters() {}

    public static Map<String, String> headers(DeadLetter d) {
        Map<String, String> h = new LinkedHashMap<>();
        String reason = d.reason();
        h.put(
                HEADER_REASON,
                reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 1) + "…");
        h.put(HEADER_TOPIC, d.sourceTopic());
        h.put(HEADER_PARTITION, Integer.toString(d.partition()));
        h.put(HEADER_OFFSET, Long.toString(d.offset()));
        return h;
    }

    /** Rebuilds a dead letter from DLQ headers and value; missing or non-numeric headers fail. */
    public static DeadLetter fromHeaders(Map<String, String> headers, byte[] value) {
        try {
            return new DeadLetter(
                    headers.get(HEADER_TOPIC),
                    Integer.parseInt(headers.get(HEADER_PARTITION)),
                    Long.parseLong(headers.get(HEADER_OFFSET)),
                    headers.get(HEADER_REASON),
                    value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "not a dead-letter record: headers " + headers.keySet() + " must include numeric "
                            + HEADER_PARTITION + " and " + HEADER_OFFSET,
                    e);
        }
    }
}

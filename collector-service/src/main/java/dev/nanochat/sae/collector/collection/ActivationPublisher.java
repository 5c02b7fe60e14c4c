package dev.nanochat.sae.collector.collection;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends activation records with back-pressure instead of unbounded buffering.
 *
 * <p>{@code KafkaProducer.send} reports a full buffer or missing topic metadata (broker slow or down)
 * as a {@link RetriableException} delivered to the callback <em>on the calling thread</em>, before the
 * record is appended. We recognise exactly that case, tell the {@link KafkaWaitListener}, and send the
 * same record again, so the caller blocks (bounded memory) and record order is preserved. Failures
 * after a record was appended (on the producer's I/O thread) go to the caller's callback.
 */
public final class ActivationPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaWaitListener waits;
    private boolean closed;

    public ActivationPublisher(ActivationStreamSettings settings, String clientId, KafkaWaitListener waits) {
        this.producer = new KafkaProducer<>(settings.producerProperties(clientId));
        this.waits = waits;
    }

    /**
     * Appends one record, retrying while Kafka cannot take it. Returns false if {@code cancelled}
     * became true while waiting (the record was not sent).
     */
    public boolean send(
            String topic,
            int partition,
            String key,
            byte[] value,
            Map<String, String> headers,
            Callback onDone,
            BooleanSupplier cancelled) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
        ProducerRecord<byte[], byte[]> rec =
                new ProducerRecord<>(topic, partition, null, key.getBytes(StandardCharsets.UTF_8), value, h);
        boolean waited = false;
        while (true) {
            SyncRejection sync = new SyncRejection(Thread.currentThread(), onDone);
            producer.send(rec, sync);
            if (sync.rejected == null) {
                if (waited) {
                    waits.resumed();
                }
                return true;
            }
            waited = true;
            waits.waiting("Kafka did not accept a record for " + topic + " within max.block.ms: "
                    + sync.rejected.getMessage());
            if (cancelled.getAsBoolean()) {
                return false;
            }
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            producer.close();
        }
    }

    /** Closes without waiting for unsent records (used when rewinding after a failure or on cancel). */
    public void abort() {
        if (!closed) {
            closed = true;
            producer.close(java.time.Duration.ZERO);
        }
    }

    private static final class SyncRejection implements Callback {
        private final Thread caller;
        private final Callback delegate;
        volatile Exception rejected;

        SyncRejection(Thread caller, Callback delegate) {
            this.caller = caller;
            this.delegate = delegate;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception instanceof RetriableException && Thread.currentThread() == caller) {
                rejected = exception;
            } else {
                delegate.onCompletion(metadata, exception);
            }
        }
    }
}

package dev.nanochat.sae.collector.collection;

import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.core.records.Topics;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.HookPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs one collection: corpus → packed windows → one forward pass per batch capturing every hook
 * (stopping after the deepest one) → records → Kafka, with the resume position advanced only over
 * acknowledged steps ({@link AckTracker}).
 *
 * <p>Failure handling is a single mechanism: if Kafka is unreachable (topic creation fails) the
 * runner reports WAITING_FOR_KAFKA and retries; if any record fails after it was appended, the
 * producer is discarded and the runner rewinds to the last committed position, exactly as a restarted
 * process would. Replayed records carry the same sequence numbers (at-least-once, dedup by sequence).
 * Memory stays bounded: one batch of activations plus the producer's {@code buffer.memory}.
 */
public final class CollectionRunner implements Runnable {
    private static final Logger LOG = Logger.getLogger(CollectionRunner.class);
    private static final long RETRY_MILLIS = 2_000;

    private final CollectionJob job;
    private final ActivationStreamSettings kafka;
    private final CollectionListener listener;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<String> topics;

    public CollectionRunner(CollectionJob job, ActivationStreamSettings kafka, CollectionListener listener) {
        this.job = job;
        this.kafka = kafka;
        this.listener = listener;
        this.topics = topics(job);
    }

    /** Topic per hook, in the order of {@link CollectionJob#hooks()}. */
    public static List<String> topics(CollectionJob job) {
        List<String> topics = new ArrayList<>();
        for (HookPoint h : job.hooks()) {
            topics.add(Topics.activations(job.modelId(), h.name()));
        }
        return topics;
    }

    /** Stops at the next step boundary and reports CANCELLED. */
    public void cancel() {
        cancelled.set(true);
    }

    /** Stops at the next step boundary without a terminal status (service shutdown; resumes later). */
    public void stop() {
        stopped.set(true);
    }

    private boolean halted() {
        return cancelled.get() || stopped.get();
    }

    @Override
    public void run() {
        try (job) {
            CollectionPosition from = job.start();
            Map<String, Map<Integer, Long>> offsets = job.offsets();
            Map<String, Integer> partitions = provision();
            while (partitions != null && !halted()) {
                AckTracker tracker = new AckTracker(from, offsets);
                try {
                    produce(tracker, partitions);
                    if (!halted()) {
                        listener.finished(CollectionStatus.COMPLETED, null);
                    }
                    break;
                } catch (DeliveryFailedException e) {
                    from = tracker.committed();
                    offsets = tracker.offsets();
                    listener.waiting("delivery failed, rewinding to sequence " + from.nextSequence() + ": "
                            + e.getCause().getMessage());
                    sleep();
                }
            }
            if (cancelled.get()) {
                listener.finished(CollectionStatus.CANCELLED, "cancelled by request");
            }
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "collection %s failed", job.collectionId());
            listener.finished(CollectionStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Creates the topics, waiting while Kafka is unreachable; null if halted meanwhile. */
    private Map<String, Integer> provision() {
        TopicProvisioner provisioner = new TopicProvisioner(kafka);
        while (!halted()) {
            try {
                return provisioner.ensure(topics, "collector-admin-" + job.collectionId());
            } catch (Exception e) {
                listener.waiting("cannot create topics on Kafka at " + kafka.bootstrapServers() + ": " + e);
                sleep();
            }
        }
        return null;
    }

    private void produce(AckTracker tracker, Map<String, Integer> partitions) throws DeliveryFailedException {
        long startNanos = System.nanoTime();
        long startTokens = tracker.committed().tokens();
        ForwardOptions capture = new ForwardOptions(new LinkedHashSet<>(job.hooks()), Map.of(), false);
        String clientId = "collector-" + job.collectionId();
        try (ActivationPublisher publisher = new ActivationPublisher(kafka, clientId, listener);
                SequencePacker packer = new SequencePacker(
                        job.corpus(),
                        job.tokenizer()::encodeOrdinary,
                        job.tokenizer().bosId(),
                        job.split(),
                        job.contextSize(),
                        tracker.committed())) {
            listener.running();
            CollectionPosition pos = tracker.committed();
            PackedSequence carry = null;
            while (!halted()) {
                failIfAnyFailed(tracker, publisher);
                long budget = job.maxTokens() > 0 ? job.maxTokens() - pos.tokens() : Long.MAX_VALUE;
                if (budget <= 0) {
                    break;
                }
                List<PackedSequence> windows = new ArrayList<>();
                if (carry != null) {
                    windows.add(carry);
                    carry = null;
                }
                CollectionPosition stepEnd = packer.position();
                while (windows.size() < job.batchSequences() && (long) windows.size() * job.contextSize() < budget) {
                    PackedSequence w = packer.next();
                    if (w == null) {
                        break;
                    }
                    if (!windows.isEmpty() && w.length() != windows.get(0).length()) {
                        carry = w; // the corpus' short last window runs as its own [1, t] batch next step
                        break;
                    }
                    windows.add(w);
                    stepEnd = packer.position();
                }
                if (windows.isEmpty()) {
                    break;
                }
                StepRows rows = StepRows.of(windows, budget);
                pos = sendStep(publisher, tracker, partitions, capture, windows, rows, pos, stepEnd);
                listener.progress(progress(tracker, startNanos, startTokens));
            }
            if (halted()) {
                publisher.abort();
                return;
            }
            publisher.flush();
            failIfAnyFailed(tracker, publisher);
            listener.progress(progress(tracker, startNanos, startTokens));
        }
    }

    /** Forward once, send every record of the step; returns the position after the step. */
    private CollectionPosition sendStep(
            ActivationPublisher publisher,
            AckTracker tracker,
            Map<String, Integer> partitions,
            ForwardOptions capture,
            List<PackedSequence> windows,
            StepRows rows,
            CollectionPosition before,
            CollectionPosition packerAfter) {
        int[][] ids = new int[windows.size()][];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = windows.get(b).tokens();
        }
        List<RecordSlicer.Chunk> chunks = RecordSlicer.chunks(rows, job.maxRowsPerRecord(), before.nextSequence());
        Map<HookPoint, float[]> acts = new LinkedHashMap<>();
        ForwardResult result = job.model().forward(ids, capture);
        for (HookPoint h : job.hooks()) {
            acts.put(h, result.activations(h)); // [B, T, C] row-major
        }
        CollectionPosition corpusAfter = packerAfter;
        long eval = rows.evalRows();
        CollectionPosition after = new CollectionPosition(
                corpusAfter.corpus(),
                corpusAfter.tokenOffset(),
                before.nextSequence() + chunks.size(),
                before.tokens() + rows.rows(),
                before.evalTokens() + eval,
                corpusAfter.documents(),
                corpusAfter.invalidUtf8(),
                corpusAfter.textBytes());
        List<byte[]> values = new ArrayList<>();
        List<ActivationBatch> batches = new ArrayList<>();
        long bytes = 0;
        for (RecordSlicer.Chunk c : chunks) {
            for (HookPoint h : job.hooks()) {
                ActivationBatch b = RecordSlicer.batch(
                        job.collectionId(),
                        job.modelId(),
                        h.name(),
                        job.dIn(),
                        job.payloadDtype(),
                        c,
                        rows,
                        acts.get(h));
                byte[] v = ActivationBatchCodec.encode(b);
                bytes += v.length;
                batches.add(b);
                values.add(v);
            }
        }
        Object step = tracker.beginStep(after, values.size(), bytes);
        for (int i = 0; i < values.size(); i++) {
            ActivationBatch b = batches.get(i);
            String topic = topics.get(i % job.hooks().size());
            int partition = (int) (b.sequence() % partitions.get(topic));
            boolean sent = publisher.send(
                    topic,
                    partition,
                    job.collectionId() + ":" + b.sequence(),
                    values.get(i),
                    ActivationBatchCodec.headers(b),
                    (md, e) -> {
                        if (e == null) {
                            tracker.acked(step, md);
                        } else {
                            tracker.failed(e);
                        }
                    },
                    this::halted);
            if (!sent) {
                break;
            }
        }
        return after;
    }

    private CollectionProgress progress(AckTracker tracker, long startNanos, long startTokens) {
        CollectionPosition c = tracker.committed();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new CollectionProgress(
                c,
                tracker.offsets(),
                tracker.ackedRecords(),
                tracker.ackedBytes(),
                seconds > 0 ? (c.tokens() - startTokens) / seconds : 0);
    }

    private static void failIfAnyFailed(AckTracker tracker, ActivationPublisher publisher)
            throws DeliveryFailedException {
        Exception e = tracker.failure();
        if (e != null) {
            publisher.abort();
            throw new DeliveryFailedException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }
}

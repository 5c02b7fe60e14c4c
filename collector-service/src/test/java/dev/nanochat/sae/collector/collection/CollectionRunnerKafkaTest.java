package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.collector.support.Fixtures;
import dev.nanochat.sae.collector.support.RecordingListener;
import dev.nanochat.sae.collector.support.TopicReader;
import dev.nanochat.sae.collector.support.TopicReader.Received;
import dev.nanochat.sae.core.records.ActivationBatch;
import dev.nanochat.sae.core.records.Split;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.Document;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The runner against the real broker at localhost:19092 and the real nanochat-d2 fixture. */
class CollectionRunnerKafkaTest {
    static final int CONTEXT = 64;
    static final int BATCH = 4;
    /** 50 rows of d=128 f32 per record, so each 4×64-token step spans several records. */
    static final int SMALL_RECORD = 16 * 1024 + 50 * (128 * 4 + 16);

    static CollectionPlanner planner = Fixtures.planner(BATCH, SMALL_RECORD);
    static ActivationStreamSettings kafka = Fixtures.kafka("lz4");

    static String newId() {
        return "test-" + UUID.randomUUID();
    }

    /** All records of a collection per hook topic, by sequence (duplicates kept in the list). */
    static Map<String, TreeMap<Long, List<ActivationBatch>>> readBack(CollectionJob job) {
        Map<String, TreeMap<Long, List<ActivationBatch>>> out = new HashMap<>();
        for (String topic : CollectionRunner.topics(job)) {
            TreeMap<Long, List<ActivationBatch>> bySeq = new TreeMap<>();
            for (Received r : TopicReader.read(topic, job.collectionId())) {
                bySeq.computeIfAbsent(r.batch().sequence(), s -> new ArrayList<>())
                        .add(r.batch());
                assertEquals(Long.toString(r.batch().sequence()), r.headers().get("sae-sequence"));
                assertEquals(r.batch().split().wire(), r.headers().get("sae-split"));
            }
            out.put(topic, bySeq);
        }
        return out;
    }

    @Test
    void activations_read_back_from_kafka_equal_a_direct_forward_on_the_same_tokens() {
        String id = newId();
        CollectionJob job = planner.plan(
                id, Fixtures.request(Fixtures.HOOKS, CONTEXT, 0, "f32"), CollectionPosition.START, Map.of());
        // Oracle: the corpus tokenized independently, packed, and forwarded in the same [4, 64] batches.
        Tokenizer tok = job.tokenizer();
        List<Integer> stream = new ArrayList<>();
        try (CorpusReader r = job.corpus().open()) {
            for (Document d; (d = r.next()) != null; ) {
                stream.add(tok.bosId());
                for (int t : tok.encodeOrdinary(d.text())) {
                    stream.add(t);
                }
            }
        }
        Map<HookPoint, float[]> expected = directForward(job, stream);

        RecordingListener l = new RecordingListener();
        new CollectionRunner(job, kafka, l).run();
        assertEquals(CollectionStatus.COMPLETED, l.finished, l.finishedMessage);
        assertEquals(stream.size(), l.last().committed().tokens());

        int d = 128;
        for (int h = 0; h < job.hooks().size(); h++) {
            HookPoint hook = job.hooks().get(h);
            TreeMap<Long, List<ActivationBatch>> bySeq =
                    readBack(job).get(CollectionRunner.topics(job).get(h));
            assertEquals(l.last().committed().nextSequence(), bySeq.size());
            assertEquals(0L, bySeq.firstKey());
            assertEquals(bySeq.size() - 1, bySeq.lastKey()); // contiguous: no gaps
            int g = 0;
            for (List<ActivationBatch> copies : bySeq.values()) {
                assertEquals(1, copies.size(), "no duplicates without a restart");
                ActivationBatch b = copies.get(0);
                assertEquals(hook.name(), b.hook());
                assertEquals("d2-000600", b.modelId());
                assertTrue(b.rows() <= 50);
                for (int i = 0; i < b.rows(); i++, g++) {
                    assertEquals(stream.get(g), b.tokenIds()[i], "token " + g);
                    assertEquals(g % CONTEXT, b.positions()[i], "position of token " + g);
                    float[] want = java.util.Arrays.copyOfRange(expected.get(hook), g * d, (g + 1) * d);
                    float[] got = java.util.Arrays.copyOfRange(b.activations(), i * d, (i + 1) * d);
                    assertArrayEquals(want, got, 0f, "activation of token " + g + " at " + hook.name());
                }
            }
            assertEquals(stream.size(), g);
        }
    }

    /** Forward of the packed stream in [BATCH, CONTEXT] batches (last short window alone): [N, C] per hook. */
    static Map<HookPoint, float[]> directForward(CollectionJob job, List<Integer> stream) {
        int n = stream.size(), c = job.dIn();
        Map<HookPoint, float[]> out = new HashMap<>();
        job.hooks().forEach(h -> out.put(h, new float[n * c]));
        ForwardOptions opts = new ForwardOptions(Set.copyOf(job.hooks()), Map.of(), false);
        int full = n / CONTEXT;
        for (int w0 = 0; w0 * CONTEXT < n; ) {
            int windows = w0 < full ? Math.min(BATCH, full - w0) : 1;
            int len = w0 < full ? CONTEXT : n - full * CONTEXT;
            int[][] ids = new int[windows][len];
            for (int b = 0; b < windows; b++) {
                for (int t = 0; t < len; t++) {
                    ids[b][t] = stream.get((w0 + b) * CONTEXT + t);
                }
            }
            var result = job.model().forward(ids, opts);
            for (HookPoint h : job.hooks()) {
                System.arraycopy(result.activations(h), 0, out.get(h), w0 * CONTEXT * c, windows * len * c);
            }
            w0 += windows;
        }
        return out;
    }

    @Test
    void eval_split_is_deterministic_and_tags_whole_documents() {
        var req = Fixtures.request(List.of("blocks.1.hook_resid_post"), CONTEXT, 0.3, "f16");
        List<Map<Long, List<ActivationBatch>>> runs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            CollectionJob job = planner.plan(newId(), req, CollectionPosition.START, Map.of());
            RecordingListener l = new RecordingListener();
            new CollectionRunner(job, kafka, l).run();
            assertEquals(CollectionStatus.COMPLETED, l.finished, l.finishedMessage);
            runs.add(readBack(job).values().iterator().next());
            ids.add(job.collectionId());
        }
        // Which documents are held out, computed independently from the corpus text.
        EvalSplit split = new EvalSplit(42, 0.3);
        Map<Long, Split> docSplit = new HashMap<>();
        try (CorpusReader r = Corpus.of(
                        List.of(Fixtures.resource("/data/" + Fixtures.MOBY)),
                        dev.nanochat.sae.corpus.CorpusFormat.LINES)
                .open()) {
            for (Document d; (d = r.next()) != null; ) {
                docSplit.put(d.key(), split.of(d.text()));
            }
        }
        assertTrue(docSplit.containsValue(Split.EVAL) && docSplit.containsValue(Split.TRAIN), docSplit.toString());
        long evalRows = 0;
        for (var copies : runs.get(0).values()) {
            ActivationBatch b = copies.get(0);
            assertEquals(dev.nanochat.sae.core.io.DType.F16, b.dtype());
            for (long doc : b.docIds()) {
                assertEquals(docSplit.get(doc), b.split(), "record " + b.sequence() + " row of document " + doc);
            }
            evalRows += b.split() == Split.EVAL ? b.rows() : 0;
        }
        assertTrue(evalRows > 0);
        assertEquals(runs.get(0).keySet(), runs.get(1).keySet());
        for (long seq : runs.get(0).keySet()) {
            ActivationBatch a = runs.get(0).get(seq).get(0),
                    b = runs.get(1).get(seq).get(0);
            assertEquals(a.split(), b.split());
            assertArrayEquals(a.docIds(), b.docIds());
            assertArrayEquals(a.tokenIds(), b.tokenIds());
            assertArrayEquals(a.activations(), b.activations(), 0f);
        }
    }

    @Test
    void a_stopped_run_resumed_from_its_committed_position_loses_no_record() throws Exception {
        var req = Fixtures.request(List.of("blocks.0.hook_attn_out"), CONTEXT, 0.25, "f32");
        CollectionJob reference = planner.plan(newId(), req, CollectionPosition.START, Map.of());
        RecordingListener refListener = new RecordingListener();
        new CollectionRunner(reference, kafka, refListener).run();
        TreeMap<Long, List<ActivationBatch>> want =
                readBack(reference).values().iterator().next();

        String id = newId();
        CollectionJob first = planner.plan(id, req, CollectionPosition.START, Map.of());
        CollectionRunner[] holder = new CollectionRunner[1];
        RecordingListener stopping = new RecordingListener(l -> {
            if (l.progress.size() == 3) {
                sleep(700); // let acks of the first steps arrive so the committed position moves
            } else if (l.progress.size() == 4) {
                holder[0].stop(); // like a kill: no terminal status, in-flight records may or may not land
            }
        });
        holder[0] = new CollectionRunner(first, kafka, stopping);
        holder[0].run();
        assertEquals(null, stopping.finished);
        CollectionPosition resumeAt = stopping.last().committed();
        assertTrue(
                resumeAt.nextSequence() > 0 && resumeAt.nextSequence() < want.size(),
                "stopped mid-way at sequence " + resumeAt.nextSequence() + " of " + want.size());

        CollectionJob second = planner.plan(id, req, resumeAt, stopping.last().offsets());
        RecordingListener l2 = new RecordingListener();
        new CollectionRunner(second, kafka, l2).run();
        assertEquals(CollectionStatus.COMPLETED, l2.finished, l2.finishedMessage);
        assertEquals(refListener.last().committed(), l2.last().committed());

        TreeMap<Long, List<ActivationBatch>> got =
                readBack(second).values().iterator().next();
        assertEquals(want.keySet(), got.keySet(), "every sequence number present after the restart");
        for (long seq : want.keySet()) {
            ActivationBatch w = want.get(seq).get(0);
            for (ActivationBatch copy : got.get(seq)) { // replayed duplicates are identical
                assertArrayEquals(w.tokenIds(), copy.tokenIds(), "sequence " + seq);
                assertArrayEquals(w.docIds(), copy.docIds());
                assertArrayEquals(w.activations(), copy.activations(), 0f);
                assertEquals(w.split(), copy.split());
            }
        }
    }

    @Test
    void kafka_unreachable_at_start_makes_the_runner_wait_and_report_it_until_cancelled() throws Exception {
        CollectionJob job = planner.plan(
                newId(), Fixtures.request(Fixtures.HOOKS, CONTEXT, 0, "f32"), CollectionPosition.START, Map.of());
        RecordingListener l = new RecordingListener();
        CollectionRunner runner = new CollectionRunner(job, kafka.withBootstrap("127.0.0.1:1"), l);
        Thread t = new Thread(runner);
        t.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (l.waitingReason == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertNotNull(l.waitingReason, "runner should report that it waits for Kafka");
        assertTrue(l.waitingReason.contains("127.0.0.1:1"), l.waitingReason);
        assertTrue(t.isAlive(), "no crash: still waiting");
        runner.cancel();
        t.join(30_000);
        assertEquals(CollectionStatus.CANCELLED, l.finished);
        assertTrue(l.progress.isEmpty());
    }

    @Test
    void publisher_blocks_instead_of_buffering_when_the_broker_is_down_and_honours_cancel() throws Exception {
        RecordingListener waits = new RecordingListener();
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        try (ActivationPublisher p = new ActivationPublisher(kafka.withBootstrap("127.0.0.1:1"), "down-test", waits)) {
            List<Exception> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> p.send(
                    "sae.activations.down",
                    0,
                    "k",
                    new byte[1000],
                    Map.of(),
                    (md, e) -> delivered.add(e),
                    cancel::get));
            t.start();
            t.join(5_000);
            assertTrue(t.isAlive(), "send must block while Kafka cannot take the record");
            assertNotNull(waits.waitingReason);
            cancel.set(true);
            t.join(10_000);
            assertTrue(!t.isAlive());
            assertTrue(delivered.isEmpty(), "a record that was never appended is not reported as delivered or failed");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

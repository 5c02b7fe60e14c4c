package dev.nanochat.sae.collector.process;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nanochat.sae.collector.support.CollectorProcess;
import dev.nanochat.sae.collector.support.ScratchDatabase;
import dev.nanochat.sae.collector.support.ScratchModel;
import dev.nanochat.sae.collector.support.TopicReader;
import dev.nanochat.sae.collector.support.TopicReader.Received;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.corpus.Document;
import dev.nanochat.sae.nanochat.Tokenizer;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * "Kill and restart resumes without losing records" with real processes: the packaged collector is
 * SIGKILLed mid-collection, a second process resumes the collection from PostgreSQL on start-up, and
 * the topic is checked against the corpus tokenized independently (corpus reader + tokenizer, no
 * collector code). Scratch database, model tag (hence topics) and port are unique to the run.
 */
class ResumeAfterKillIT {
    static final String HOOK = "blocks.1.hook_resid_post";
    /** The fixture's sequence_len; 8 windows per forward = 1024 rows of d=128 f32 = one record per step. */
    static final int CONTEXT = 128;
    /** 24 × Moby-Dick ch. 1 = 216 documents, 74 448 tokens: several seconds of collection on this CPU. */
    static final int COPIES = 24;

    static final Duration STARTUP = Duration.ofSeconds(120);

    /** What the first process left in the database and in the topic when it was killed. */
    record KillPoint(String status, long tokens, long nextSequence, long appended) {}

    @Test
    void a_killed_collector_resumes_on_restart_and_the_topic_holds_every_token_once_plus_identical_replays()
            throws Exception {
        long t0 = System.nanoTime();
        try (ScratchDatabase db = new ScratchDatabase();
                ScratchModel model = new ScratchModel(COPIES, List.of(HOOK))) {
            List<Integer> expected = new ArrayList<>();
            int documents = tokenize(model, expected);
            String topic = model.topic(HOOK);

            String id;
            KillPoint kill;
            try (CollectorProcess first = new CollectorProcess("first-" + model.tag(), db.url(), model)) {
                first.awaitReady(STARTUP);
                log(t0, "first collector ready");
                id = given().baseUri(first.baseUri())
                        .contentType(ContentType.JSON)
                        .body(request(model))
                        .post("/api/collections")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id");
                kill = killAheadOfPersistedPosition(first, db, id, topic, expected.size());
            }
            log(t0, "killed at " + kill);
            assertEquals("RUNNING", kill.status(), "a kill leaves a non-terminal row");
            assertTrue(
                    kill.tokens() > 0 && kill.tokens() < expected.size(),
                    "killed mid-collection: " + kill.tokens() + " of " + expected.size() + " tokens persisted");

            long next;
            try (CollectorProcess second = new CollectorProcess("second-" + model.tag(), db.url(), model)) {
                second.awaitReady(STARTUP);
                log(t0, "second collector ready");
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            String status = given().baseUri(second.baseUri())
                                    .get("/api/collections/" + id)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .path("status");
                            if (status.equals("FAILED") || status.equals("CANCELLED")) {
                                fail("resumed collection ended " + status + "; log:\n" + second.logText());
                            }
                            return status.equals("COMPLETED");
                        });
                log(t0, "completed after restart");
                var done = given().baseUri(second.baseUri())
                        .get("/api/collections/" + id)
                        .then()
                        .statusCode(200);
                assertEquals(expected.size(), ((Number) done.extract().path("tokens")).intValue());
                assertEquals(documents, ((Number) done.extract().path("documents")).intValue());
                next = ((Number) done.extract().path("position.nextSequence")).longValue();
                assertTrue(second.logText().contains("resuming collection " + id), "the second process resumed it");
            }

            List<Received> records = TopicReader.read(topic, id);
            log(t0, "read " + records.size() + " records back");
            TreeMap<Long, List<Received>> bySequence = new TreeMap<>();
            for (Received r : records) {
                assertEquals(Long.toString(r.batch().sequence()), r.headers().get("sae-sequence"));
                bySequence
                        .computeIfAbsent(r.batch().sequence(), s -> new ArrayList<>())
                        .add(r);
            }
            assertEquals(
                    LongStream.range(0, next).boxed().toList(),
                    List.copyOf(bySequence.keySet()),
                    "every sequence 0.." + (next - 1) + " present, none beyond");
            for (List<Received> copies : bySequence.values()) {
                for (Received dup : copies.subList(1, copies.size())) {
                    assertArrayEquals(
                            copies.get(0).value(),
                            dup.value(),
                            "replayed record " + dup.batch().sequence() + " is byte-identical");
                    assertEquals(copies.get(0).headers(), dup.headers());
                }
            }
            // Records the killed process had appended past its persisted position are exactly the replays.
            assertEquals(kill.appended() - kill.nextSequence(), records.size() - next, "duplicates");

            int row = 0;
            for (List<Received> copies : bySequence.values()) {
                var batch = copies.get(0).batch();
                for (int i = 0; i < batch.rows(); i++, row++) {
                    assertTrue(row < expected.size(), "more rows than the corpus has tokens");
                    assertEquals(expected.get(row), batch.tokenIds()[i], "token " + row);
                    assertEquals(row % CONTEXT, batch.positions()[i], "position of token " + row);
                }
            }
            assertEquals(expected.size(), row, "distinct rows = tokens of the corpus");
            log(
                    t0,
                    "checked " + next + " sequences, " + (records.size() - next) + " replayed duplicates, " + row
                            + " tokens");
        }
    }

    /** Kills the process as soon as the topic holds records past the persisted resume position. */
    static KillPoint killAheadOfPersistedPosition(
            CollectorProcess process, ScratchDatabase db, String id, String topic, long totalTokens) throws Exception {
        try (var consumer = TopicReader.consumer();
                Connection c = db.connect()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                KillPoint now = persisted(c, id, 0);
                if (!now.status().equals("RUNNING")
                        && !now.status().equals("QUEUED")
                        && !now.status().equals("WAITING_FOR_KAFKA")) {
                    fail("collection ended " + now.status() + " before the kill; log:\n" + process.logText());
                }
                if (now.tokens() >= totalTokens / 10 && TopicReader.appended(consumer, topic) > now.nextSequence()) {
                    process.kill();
                    return persisted(c, id, TopicReader.appended(consumer, topic));
                }
                Thread.sleep(50);
            }
            throw new AssertionError("collection made no progress; log:\n" + process.logText());
        }
    }

    static KillPoint persisted(Connection c, String id, long appended) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("select status, tokens, next_sequence from collector.collections where id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "collection " + id + " is in the database");
                return new KillPoint(r.getString(1), r.getLong(2), r.getLong(3), appended);
            }
        }
    }

    /** The oracle: each document as BOS + its tokens, concatenated; returns the number of documents. */
    static int tokenize(ScratchModel model, List<Integer> out) {
        Tokenizer tokenizer = Tokenizer.load(model.tokenizerDir());
        int documents = 0;
        try (CorpusReader reader = Corpus.of(model.corpus()).open()) {
            for (Document d; (d = reader.next()) != null; documents++) {
                out.add(tokenizer.bosId());
                for (int t : tokenizer.encodeOrdinary(d.text())) {
                    out.add(t);
                }
            }
        }
        return documents;
    }

    static String request(ScratchModel model) {
        return "{\"model\":{\"baseDir\":\"" + ScratchModel.BASE_DIR + "\",\"tag\":\"" + model.tag() + "\"},"
                + "\"hooks\":[\"" + HOOK + "\"],\"corpus\":{\"paths\":[\"" + ScratchModel.CORPUS + "\"]},"
                + "\"contextSize\":" + CONTEXT + ",\"evalFraction\":0,\"dtype\":\"f32\",\"seed\":1}";
    }

    static void log(long t0, String what) {
        System.out.printf("[ResumeAfterKillIT %5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }
}

package dev.nanochat.sae.neuronpedia.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.Fixtures;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads against {@link FakeNeuronpedia}: limits, faults, a crash mid-upload, and the key's secrecy. */
class UploaderTest {
    static final String KEY = "np-secret-key-0123456789abcdef";
    static final int CAP = 4_500_000;

    @TempDir
    Path tmp;

    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    final RetryPolicy fast = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofSeconds(30), 1, d -> waits.add(d));

    @Test
    void killedMidUploadResumesAndSendsEveryFeatureExactlyOnce() throws Exception {
        SaeDashboards d = Fixtures.dashboards(150, 3, 16); // 100 live, 50 dead
        UploadPlan plan = UploadPlan.of(d, 2, "d2 test", "SAEs", new UploadPlan.Limits(16, 30_000, 2));
        assertTrue(
                plan.batches().size() >= 7,
                "100 features in batches of ≤16: " + plan.batches().size());
        assertEquals(100, plan.activationBatches().size(), "the third example of each live feature goes separately");
        FakeNeuronpedia.State state = new FakeNeuronpedia.State();
        Path progressFile = tmp.resolve("progress.json");
        try (CapturedLogs logs = new CapturedLogs()) {
            try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
                server.fault("/api/model/new", 1, 429, -1) // rate limited, no Retry-After: back off
                        .fault("/api/feature/upload-batch", 2, 503, 2) // Retry-After: 2 s, honoured
                        .fault("/api/feature/upload-batch", 4, 429, -1)
                        .killAfter(3);
                Uploader u = new Uploader(
                        new NeuronpediaClient(server.baseUrl() + "/", ApiKey.of(KEY), fast),
                        new FileUploadProgress(progressFile),
                        CAP,
                        null);
                NeuronpediaException e = assertThrows(NeuronpediaException.class, () -> u.upload(plan));
                assertEquals(0, e.status(), "the server vanished: " + e.getMessage());
            }
            assertEquals(3, state.appliedBatches.get());
            assertTrue(waits.contains(Duration.ofSeconds(2)), "Retry-After honoured: " + waits);
            String recorded = Files.readString(progressFile);
            assertTrue(recorded.contains("\"features-2\":{\"state\":\"SENDING\""), recorded);

            // a new process, a restarted server on the same data
            try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
                Uploader u = new Uploader(
                        new NeuronpediaClient(server.baseUrl(), ApiKey.of(KEY), fast),
                        new FileUploadProgress(progressFile),
                        CAP,
                        null);
                UploadReport r = u.upload(plan);
                assertEquals(plan.all().size(), r.sent() + r.alreadyDone());
                assertEquals(5, r.alreadyDone(), "model, source set, features-0..2 (features-2 found on the server)");
                assertEquals(50, r.skippedDead());
            }
            for (FeatureDashboard f : d.features()) {
                String k = Fixtures.MODEL + "/1-res-topk/" + f.index();
                if (f.isDead()) {
                    assertFalse(state.featureInserts.containsKey(k), "dead feature " + f.index() + " never sent");
                } else {
                    assertEquals(
                            1, state.featureInserts.get(k).get(), "feature " + f.index() + " inserted exactly once");
                    assertEquals(
                            3,
                            state.activations.get(k).size(),
                            "feature " + f.index() + ": its 3 examples, none twice");
                }
            }
            assertEquals(List.of("the word 'the'"), state.explanations.get(Fixtures.MODEL + "/1-res-topk/0"));
            // the key: in no log line, not in the progress file
            assertFalse(logs.lines().isEmpty());
            for (String line : logs.lines()) assertFalse(line.contains(KEY), "key leaked into a log line: " + line);
            assertFalse(Files.readString(progressFile).contains(KEY));
        }
    }

    @Test
    void aCrashBeforeModelOrSourceSetCreationIsRecordedResumesOnNeuronpediasAlreadyExists() throws Exception {
        SaeDashboards d = Fixtures.dashboards(12, 2, 8); // 8 live
        UploadPlan plan = UploadPlan.of(d, 2, null, null, UploadPlan.Limits.defaults());
        FakeNeuronpedia.State state = new FakeNeuronpedia.State();
        Path progressFile = tmp.resolve("crash.json");
        try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
            NeuronpediaClient c = new NeuronpediaClient(server.baseUrl(), ApiKey.of(KEY), fast);
            // the process dies after Neuronpedia created each one, before the DONE reached the progress file
            for (String crashAt : List.of(plan.model().key(), plan.sourceSet().key())) {
                UploadProgress dying = new CrashBeforeDone(new FileUploadProgress(progressFile), crashAt);
                assertThrows(Crash.class, () -> new Uploader(c, dying, CAP, null).upload(plan), crashAt);
                assertEquals(
                        UploadProgress.State.SENDING,
                        new FileUploadProgress(progressFile)
                                .step(crashAt)
                                .orElseThrow()
                                .state());
            }
            UploadReport r = new Uploader(c, new FileUploadProgress(progressFile), CAP, null).upload(plan);
            assertEquals(plan.all().size(), r.sent() + r.alreadyDone());
            assertEquals(
                    2,
                    r.alreadyDone(),
                    "the model (recorded by the second run, whose re-send got 'already exists') and the"
                            + " source set (re-sent now, 'already exists')");
            assertEquals(plan.batches().size() + plan.activationBatches().size(), r.sent());
            assertEquals(
                    List.of(
                            "POST /api/model/new 200",
                            "POST /api/model/new 400",
                            "POST /api/source-set/new 200",
                            "POST /api/source-set/new 400"),
                    state.log.stream().filter(l -> l.contains("/new ")).toList(),
                    "each re-sent once after its crash; the server kept one of each");
            assertEquals(1, state.models.size());
            assertEquals(1, state.sourceSets.size());
            for (FeatureDashboard f : d.live())
                assertEquals(
                        1,
                        state.featureInserts
                                .get(Fixtures.MODEL + "/1-res-topk/" + f.index())
                                .get());
            // any other 400 from model/new is still a failure
            byte[] bad = "{\"id\":\"Bad\",\"layers\":2}".getBytes();
            NeuronpediaException e = assertThrows(NeuronpediaException.class, () -> c.post("/api/model/new", bad));
            assertEquals(400, e.status());
            assertFalse(Uploader.alreadyExists(plan.model(), e));
        }
    }

    static final class Crash extends RuntimeException {
        Crash(String key) {
            super("crashed before recording " + key);
        }
    }

    /** Progress that dies when {@code key} is about to be recorded DONE (the request was already applied). */
    record CrashBeforeDone(UploadProgress inner, String key) implements UploadProgress {
        @Override
        public java.util.Optional<Step> step(String k) {
            return inner.step(k);
        }

        @Override
        public void mark(String k, State state, String digest) {
            if (k.equals(key) && state == State.DONE) throw new Crash(k);
            inner.mark(k, state, digest);
        }
    }

    @Test
    void batchesRespectCountAndBodySize() {
        SaeDashboards d = Fixtures.dashboards(300, 20, 128);
        UploadPlan.Limits limits = new UploadPlan.Limits(128, 200_000, Integer.MAX_VALUE);
        UploadPlan plan = UploadPlan.of(d, 2, null, null, limits);
        List<Integer> sent = new ArrayList<>();
        for (UploadPlan.Request r : plan.batches()) {
            assertTrue(r.body().length <= 200_000, r.key() + " is " + r.body().length + " bytes");
            assertTrue(r.indexes().size() <= 128);
            sent.addAll(r.indexes());
        }
        assertEquals(d.live().stream().map(FeatureDashboard::index).toList(), sent);
        assertTrue(plan.batches().size() > 2, "split by size, not only by count");
        assertEquals(List.of(), Uploader.dryRun(plan, CAP).problems());
        // the same plan against a smaller cap: the dry run names each oversized batch
        UploadReport tooSmall = Uploader.dryRun(plan, 100_000);
        assertFalse(tooSmall.ok());
        assertTrue(
                tooSmall.problems().get(0).contains("exceeds the 100000-byte limit"),
                tooSmall.problems().get(0));
    }

    @Test
    void aBare500IsNotRetriedForever() throws Exception {
        FakeNeuronpedia.State state = new FakeNeuronpedia.State();
        try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
            NeuronpediaClient c = new NeuronpediaClient(server.baseUrl(), ApiKey.of(KEY), fast);
            // upload-batch to a source set that does not exist → Neuronpedia's opaque 500
            byte[] body = UploadPayloads.featureBatch(
                            Fixtures.MODEL,
                            "1-res-topk",
                            List.of(UploadPayloads.feature(
                                    Fixtures.dashboards(3, 1, 4).live().get(0), 1)))
                    .toString()
                    .getBytes();
            NeuronpediaException e =
                    assertThrows(NeuronpediaException.class, () -> c.post("/api/feature/upload-batch", body));
            assertEquals(500, e.status());
            assertTrue(e.permanent());
            assertEquals(
                    2,
                    state.log.stream()
                            .filter(l -> l.equals("POST /api/feature/upload-batch 500"))
                            .count(),
                    "one retry, then give up: " + state.log);
            // a null optional field → 400 with the path, not retried
            ObjectNode m = UploadPayloads.modelNew("d2-x", 2, null);
            m.putNull("displayName");
            NeuronpediaException bad = assertThrows(
                    NeuronpediaException.class,
                    () -> c.post("/api/model/new", m.toString().getBytes()));
            assertEquals(400, bad.status());
            assertTrue(bad.body().contains("\"path\":\"displayName\""));
            // a wrong key → 401, permanent
            NeuronpediaClient wrong = new NeuronpediaClient(server.baseUrl(), ApiKey.of("nope"), fast);
            assertEquals(
                    401,
                    assertThrows(
                                    NeuronpediaException.class,
                                    () -> wrong.post(
                                            "/api/model/new",
                                            UploadPayloads.modelNew("d2-x", 2, null)
                                                    .toString()
                                                    .getBytes()))
                            .status());
        }
    }

    @Test
    void invalidPayloadsAreRefusedBeforeAnythingIsSentAndTheDryRunListsThemAll() throws Exception {
        ObjectNode b =
                NeuronpediaClient.JSON.createObjectNode().put("modelId", "D2").put("source", "8x-topk");
        ObjectNode f = b.putArray("features").addObject().put("index", 3);
        f.putNull("density");
        f.putArray("explanations").addObject().put("text", "x").put("modelName", "gpt");
        ObjectNode a = f.putArray("activations").addObject();
        a.putArray("tokens").add("").add("b");
        a.putArray("values").add(1.0);
        List<String> p = PayloadValidator.featureBatch(b, 100, CAP);
        String all = String.join("\n", p);
        for (String expect : List.of(
                "modelId:",
                "source:",
                "density: null",
                "modelName",
                "tokens[0]: must be a non-empty string",
                "values: must have as many entries as tokens")) {
            assertTrue(all.contains(expect), "missing '" + expect + "' in\n" + all);
        }
        JsonNode set =
                UploadPayloads.sourceSetNew("d2-000600", "res-topk", null).put("url", "http://localhost:3000");
        assertTrue(String.join("", PayloadValidator.sourceSetNew(set, 10, CAP)).contains("dotted host"));

        // the optional fields of real payloads are omitted, not null; "" tokens are replaced
        SaeDashboards d = Fixtures.dashboards(6, 2, 8);
        JsonNode feature = UploadPayloads.feature(d.live().get(1), 2);
        assertFalse(feature.has("explanations"), "no explanations → field omitted");
        assertEquals(
                "\uFFFD",
                feature.path("activations").get(0).path("tokens").get(1).asText());
        assertFalse(UploadPayloads.modelNew("d2-x", 2, null).has("displayName"));

        // an upload whose plan breaks a limit sends nothing
        FakeNeuronpedia.State state = new FakeNeuronpedia.State();
        try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
            UploadPlan plan = UploadPlan.of(d, 200, null, null, UploadPlan.Limits.defaults()); // layers > 127
            Uploader u = new Uploader(
                    new NeuronpediaClient(server.baseUrl(), ApiKey.of(KEY), fast),
                    new FileUploadProgress(tmp.resolve("p.json")),
                    CAP,
                    null);
            InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> u.upload(plan));
            assertTrue(e.getMessage().contains("layers"), e.getMessage());
            assertEquals(List.of(), state.log, "nothing was sent");
        }
    }

    @Test
    void readClientFetchesExplanations() throws Exception {
        FakeNeuronpedia.State state = new FakeNeuronpedia.State();
        try (FakeNeuronpedia server = new FakeNeuronpedia(state, KEY, CAP)) {
            SaeDashboards d = Fixtures.dashboards(3, 1, 4);
            UploadPlan plan = UploadPlan.of(d, 2, null, null, UploadPlan.Limits.defaults());
            NeuronpediaClient c = new NeuronpediaClient(server.baseUrl(), ApiKey.of(KEY), fast);
            new Uploader(c, new FileUploadProgress(tmp.resolve("q.json")), CAP, null).upload(plan);
            assertEquals(List.of("the word 'the'"), c.explanations(Fixtures.MODEL, "1-res-topk", 0));
            assertEquals(List.of(), c.explanations(Fixtures.MODEL, "1-res-topk", 1));
            assertTrue(c.feature(Fixtures.MODEL, "1-res-topk", 2).isEmpty(), "dead feature 2 was never uploaded: 404");
        }
    }

    @Test
    void baseUrlRules() {
        assertEquals("https://www.neuronpedia.org", NeuronpediaClient.normalise("https://www.neuronpedia.org/"));
        assertThrows(
                IllegalArgumentException.class, () -> NeuronpediaClient.normalise("https://www.neuronpedia.org/api"));
        assertThrows(IllegalArgumentException.class, () -> NeuronpediaClient.normalise("www.neuronpedia.org"));
        assertEquals("ApiKey[****]", ApiKey.of(KEY).toString());
    }
}

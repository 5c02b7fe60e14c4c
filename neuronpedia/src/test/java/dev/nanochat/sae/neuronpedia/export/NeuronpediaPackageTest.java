package dev.nanochat.sae.neuronpedia.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.core.io.SaeLensFolder;
import dev.nanochat.sae.neuronpedia.Fixtures;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package against Neuronpedia's documented schema (neuronpedia.md) and SAELens' format (sae.md). */
class NeuronpediaPackageTest {
    static final List<String> MODEL = ExportSchema.MODEL;
    static final List<String> SOURCE = ExportSchema.SOURCE;
    static final List<String> SOURCE_SET = ExportSchema.SOURCE_SET;
    static final List<String> EXPLANATION = ExportSchema.EXPLANATION;

    static final int D_SAE = 30;

    @TempDir
    static Path tmp;

    static Path sae;
    static SaeDashboards dash;
    static NeuronpediaPackage.Built built;
    static Path export;

    @BeforeAll
    static void build() {
        sae = Fixtures.saeFolder(tmp.resolve("ckpt"), D_SAE);
        dash = Fixtures.dashboards(D_SAE, 3, 12);
        PackageSpec spec = new PackageSpec(
                Fixtures.MODEL,
                Fixtures.SET,
                2,
                8,
                32,
                "creator-1",
                "Tester",
                "PUBLIC",
                "test SAEs",
                7,
                6,
                Instant.parse("2026-01-02T03:04:05Z"));
        built = NeuronpediaPackage.build(
                new PackageRequest(sae, dash, spec, Map.of("fvu", 0.25, "l0", 4.0), 123456, "run r1 step 10"),
                tmp.resolve("pkg"));
        export = built.dir().resolve("export").resolve(Fixtures.MODEL).resolve("1-res-topk");
    }

    @Test
    void bulkExportHasEveryFileAndNoEmptyOne() throws Exception {
        int live = dash.live().size(); // 20 of 30; 7 per file → 3 batches
        assertEquals(20, live);
        for (String f : List.of(
                "release.jsonl",
                "model.jsonl",
                "sourceset.jsonl",
                "source.jsonl",
                "features/batch-0.jsonl.gz",
                "features/batch-2.jsonl.gz",
                "activations/batch-2.jsonl.gz",
                "explanations/batch-0.jsonl.gz")) {
            assertTrue(Files.isRegularFile(export.resolve(f)), f);
        }
        assertFalse(Files.exists(export.resolve("features/batch-3.jsonl.gz")));
        // only feature 0 has an explanation: batches 1 and 2 write no (empty) explanations file
        assertFalse(Files.exists(export.resolve("explanations/batch-1.jsonl.gz")));
        try (Stream<Path> s = Files.walk(export)) {
            for (Path p : s.filter(Files::isRegularFile).toList())
                assertFalse(JsonLines.read(p).isEmpty(), p.toString());
        }
    }

    @Test
    void neuronRowsHaveNeuronpediasColumnsAndTypes() {
        List<JsonNode> rows = rows("features");
        assertEquals(dash.live().size(), rows.size());
        ExportSchema.checkNeurons(rows, "1-res-topk");
        // dead features (index % 3 == 2) have no row
        assertTrue(rows.stream().noneMatch(r -> Integer.parseInt(r.get("index").asText()) % 3 == 2));
    }

    @Test
    void activationRowsKeepTheInvariants() {
        List<JsonNode> rows = rows("activations");
        assertEquals(dash.live().size() * 3, rows.size());
        int tops = ExportSchema.checkActivations(rows, rows("features"));
        assertEquals(dash.live().size(), tops, "one top-activations example per live feature");
    }

    @Test
    void singleRowFilesAndExplanations() {
        JsonNode model = JsonLines.read(export.resolve("model.jsonl")).get(0);
        assertEquals(MODEL, fields(model));
        assertTrue(model.get("layers").isInt());
        assertEquals(2, model.get("layers").asInt());
        assertEquals("PUBLIC", model.get("visibility").asText());
        JsonNode source = JsonLines.read(export.resolve("source.jsonl")).get(0);
        assertEquals(SOURCE, fields(source));
        assertEquals("1-res-topk", source.get("id").asText());
        assertTrue(source.get("num_prompts").isInt());
        assertEquals(
                Fixtures.MODEL + "/1-res-topk",
                source.get("saelensConfig")
                        .get("metadata")
                        .get("neuronpedia_id")
                        .asText());
        JsonNode set = JsonLines.read(export.resolve("sourceset.jsonl")).get(0);
        assertEquals(SOURCE_SET, fields(set));
        assertEquals("res-topk", set.get("name").asText());
        JsonNode release = JsonLines.read(export.resolve("release.jsonl")).get(0);
        assertEquals(set.get("releaseName").asText(), release.get("name").asText());
        List<JsonNode> ex = rows("explanations");
        assertEquals(1, ex.size());
        assertEquals(EXPLANATION, fields(ex.get(0)));
        assertEquals("0", ex.get(0).get("index").asText());
        assertEquals("the word 'the'", ex.get(0).get("description").asText());
        assertTrue(ex.get(0).get("id").asText().matches("c[0-9a-f]{24}"));
    }

    @Test
    void saeLensFolderReadsBackEqualToTheCheckpoint() {
        SaeLensFolder.Contents orig = SaeLensFolder.read(sae);
        SaeLensFolder.Contents pkg = SaeLensFolder.read(built.dir().resolve("saelens/1-res-topk"));
        assertEquals(orig.weights().keySet(), pkg.weights().keySet());
        orig.weights().forEach((name, t) -> {
            assertArrayEquals(t.shape(), pkg.weight(name).shape(), name);
            assertArrayEquals(t.data(), pkg.weight(name).data(), name);
        });
        JsonNode meta = pkg.cfg().get("metadata");
        assertEquals(Fixtures.MODEL + "/1-res-topk", meta.get("neuronpedia_id").asText());
        assertEquals(Fixtures.HOOK, meta.get("hook_name").asText());
        assertEquals(64, meta.get("context_size").asInt());
        assertTrue(meta.get("prepend_bos").asBoolean());
        assertEquals("corpus/default", meta.get("dataset_path").asText());
        assertEquals(orig.cfg().get("k"), pkg.cfg().get("k"));
        float[] sparsity = pkg.sparsityOrNull();
        assertEquals(D_SAE, sparsity.length);
        assertEquals(Math.log10(0.01 + 0.001 * 4), sparsity[4], 1e-6);
        assertEquals(-10f, sparsity[2]);
    }

    @Test
    void dashboardBatchesRoundTripAndListSkippedIndexes() throws Exception {
        Path dir = built.dir().resolve("dashboards/1-res-topk");
        JsonNode b0 = JsonLines.JSON.readTree(dir.resolve("batch-0.json").toFile());
        assertEquals(Fixtures.MODEL, b0.get("model_id").asText());
        assertEquals(1, b0.get("layer").asInt());
        assertEquals("res-topk", b0.get("sae_set").asText());
        assertEquals(6, b0.get("features").size());
        JsonNode f = b0.get("features").get(0);
        for (String k : List.of(
                "feature_index",
                "neg_str",
                "neg_values",
                "pos_str",
                "pos_values",
                "frac_nonzero",
                "freq_hist_data_bar_heights",
                "freq_hist_data_bar_values",
                "logits_hist_data_bar_heights",
                "logits_hist_data_bar_values",
                "n_prompts_total",
                "n_tokens_in_prompt",
                "dataset",
                "activations")) {
            assertTrue(f.has(k), k);
        }
        assertTrue(f.get("activations").get(0).has("qualifying_token_index"));
        assertTrue(Files.exists(dir.resolve("batch-3.json")));
        assertFalse(Files.exists(dir.resolve("batch-4.json")));
        JsonNode skipped = JsonLines.JSON
                .readTree(dir.resolve("skipped_indexes.json").toFile())
                .get("skipped_indexes");
        List<Integer> dead = new ArrayList<>();
        skipped.forEach(n -> dead.add(n.asInt()));
        assertEquals(dash.deadIndexes(), dead);
        SaeDashboards back = DashboardBatches.read(dir, D_SAE, Fixtures.HOOK, Map.of());
        assertEquals(dash.live().size(), back.live().size());
        for (int i = 0; i < back.live().size(); i++) {
            var a = dash.live().get(i);
            var b = back.live().get(i);
            assertEquals(a.index(), b.index());
            assertEquals(a.activations().get(1).tokens(), b.activations().get(1).tokens());
            assertArrayEquals(
                    ExportRows.round(a.activations().get(1).values()),
                    b.activations().get(1).values(),
                    0);
        }
    }

    @Test
    void checksumsAndArchiveMatchThePackage() throws Exception {
        assertEquals(List.of(), Checksums.verify(built.dir()));
        String sums = Files.readString(built.dir().resolve(Checksums.FILE));
        assertTrue(sums.contains("  saelens/1-res-topk/sae_weights.safetensors\n"));
        assertTrue(sums.contains("  README.md\n"));
        Path out = Files.createDirectories(tmp.resolve("untar"));
        Process p = new ProcessBuilder("tar", "-xzf", built.archive().toString(), "-C", out.toString())
                .inheritIO()
                .start();
        assertEquals(0, p.waitFor());
        assertEquals(
                List.of(),
                Checksums.verify(out.resolve("pkg")),
                "the unpacked archive verifies against its SHA256SUMS");
        String readme = Files.readString(out.resolve("pkg/README.md"));
        assertTrue(readme.contains("SAE.load_from_disk"));
        assertTrue(readme.contains("| fvu | 0.250000 |"));
        JsonNode meta = JsonLines.JSON.readTree(out.resolve("pkg/metadata.json").toFile());
        assertEquals("1-res-topk", meta.get("sourceId").asText());
        assertEquals(20, meta.get("liveFeatures").asInt());
    }

    @Test
    void theBuiltPackagePlansAValidUpload() throws Exception {
        var plan = dev.nanochat.sae.neuronpedia.api.PackagedUpload.plan(
                built.dir(), dev.nanochat.sae.neuronpedia.api.UploadPlan.Limits.defaults());
        assertEquals(20, plan.features());
        assertEquals(10, plan.skippedDead().size());
        assertEquals("1-res-topk", plan.source());
        assertEquals(
                List.of(),
                dev.nanochat.sae.neuronpedia.api.Uploader.dryRun(plan, 4_500_000)
                        .problems());
        JsonNode first = JsonLines.JSON
                .readTree(plan.batches().get(0).body())
                .get("features")
                .get(0);
        assertEquals(0, first.get("index").asInt());
        assertEquals(
                "the word 'the'", first.get("explanations").get(0).get("text").asText());
        assertEquals(
                2, JsonLines.JSON.readTree(plan.model().body()).get("layers").asInt());
    }

    @Test
    void allDeadIsRefusedAndEmptyFilesAreNeverWritten() {
        assertThrows(IllegalArgumentException.class, () -> JsonLines.write(tmp.resolve("x.jsonl"), List.of()));
        SaeDashboards none = new SaeDashboards(Fixtures.MODEL, Fixtures.SET, 1, Fixtures.HOOK, "d", 1, 4, 3, List.of());
        PackageSpec spec = PackageSpec.of(Fixtures.MODEL, Fixtures.SET, 2, 8);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> NeuronpediaPackage.build(
                        new PackageRequest(sae, none, spec, Map.of(), 0, "x"), tmp.resolve("dead")));
        assertTrue(e.getMessage().contains("no live feature"));
        assertFalse(Files.exists(tmp.resolve("dead")));
    }

    private static List<JsonNode> rows(String kind) {
        return ExportSchema.rows(export, kind);
    }

    private static List<String> fields(JsonNode n) {
        return ExportSchema.fields(n);
    }
}

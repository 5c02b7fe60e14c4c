package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.corpus.DefaultCorpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoModelCommandTest {
    @TempDir
    Path dir;

    private String run(List<String> args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new DemoModelCommand()).execute(args.toArray(String[]::new));
            assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> tiny(Path out, int steps, String... extra) {
        Path corpus = DefaultCorpus.ensure(dir.resolve("home"));
        List<String> a = new ArrayList<>(List.of(
                "--corpus",
                corpus.toString(),
                "--format",
                "linedoc",
                "--out",
                out.toString(),
                "--vocab",
                "512",
                "--depth",
                "1",
                "--width",
                "64",
                "--heads",
                "1",
                "--seq-len",
                "32",
                "--batch",
                "4",
                "--max-steps",
                String.valueOf(steps),
                "--minutes",
                "10",
                "--tokenizer-chars",
                "100000",
                "--eval-every",
                "10",
                "--eval-batches",
                "4"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void trainsSavesInNanochatLayoutThenReusesUntilForced() throws Exception {
        Path out = dir.resolve("nanochat");
        String first = run(tiny(out, 100));
        assertTrue(first.contains("held-out bits per byte"), first);
        Path model = out.resolve("base_checkpoints/d1/model_000100.pt");
        Path meta = out.resolve("base_checkpoints/d1/meta_000100.json");
        assertTrue(
                Files.isRegularFile(model)
                        && Files.isRegularFile(out.resolve("tokenizer/tokenizer.pkl"))
                        && Files.isRegularFile(out.resolve("tokenizer/token_bytes.pt")),
                first);

        JsonNode m = new ObjectMapper().readTree(meta.toFile());
        assertEquals(100, m.get("step").asInt());
        assertEquals(
                List.of("sequence_len", "vocab_size", "n_layer", "n_head", "n_kv_head", "n_embd"),
                iterable(m.get("model_config")));
        assertEquals(512, m.get("model_config").get("vocab_size").asInt());
        assertEquals(4, m.get("device_batch_size").asInt());
        assertEquals(32, m.get("max_seq_len").asInt());
        double valBpb = m.get("val_bpb").asDouble(),
                unigram = m.get("user_config").get("unigram_val_bpb").asDouble();
        assertTrue(
                valBpb > 0 && valBpb < unigram,
                "100 steps must already beat the unigram baseline: " + valBpb + " vs " + unigram);

        long modified = Files.getLastModifiedTime(model).toMillis();
        String second = run(tiny(out, 100));
        assertTrue(second.contains("demo model already at " + model) && second.contains("d1-000100"), second);
        assertEquals(modified, Files.getLastModifiedTime(model).toMillis());

        String forced = run(tiny(out, 5, "--force"));
        assertTrue(forced.contains("trained 5 steps"), forced);
        assertTrue(Files.isRegularFile(out.resolve("base_checkpoints/d1/model_000005.pt")));
        assertFalse(Files.exists(model), "a forced retrain removes the old steps so the newest is the default");

        Files.delete(out.resolve("base_checkpoints/d1/meta_000005.json")); // as if killed while saving
        String resumed = run(tiny(out, 5));
        assertTrue(resumed.contains("found an incomplete demo model") && resumed.contains("trained 5 steps"), resumed);
    }

    private static List<String> iterable(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

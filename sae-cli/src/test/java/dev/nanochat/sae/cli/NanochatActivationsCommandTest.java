package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sae nanochat activations` on the real d2 checkpoint: packing, values and the skip, checked independently. */
class NanochatActivationsCommandTest {
    static final String HOOK = "blocks.0.hook_resid_post";
    static final int LEN = 64;

    @TempDir
    Path dir;

    @Test
    void rowsAreTheHookOfPackedCorpusWindowsAndSkipShiftsTheStream() throws Exception {
        Path base = Path.of(getClass().getResource("/nanochat-d2").toURI());
        Path corpus = NeuronpediaExportInProcessTest.europarlSample(dir.resolve("europarl.txt"), 60);
        Path out = dir.resolve("a.safetensors"), skipped = dir.resolve("b.safetensors");
        String[] r = run(base, corpus, out, "--tokens", "300", "--seq-len", "64", "--batch", "3");
        assertEquals("0", r[0], r[2]);
        String[] r2 = run(base, corpus, skipped, "--tokens", "128", "--seq-len", "64", "--skip-tokens", "100");
        assertEquals("0", r2[0], r2[2]);

        ModelCheckpoint ref = ModelCheckpoints.resolve(base, "base", null, null);
        Tokenizer tok = Tokenizer.load(ref.tokenizerDir());
        List<Integer> stream = new ArrayList<>(); // <|bos|> + each line's tokens, back to back
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            stream.add(tok.bosId());
            for (int t : tok.encodeOrdinary(line)) stream.add(t);
            if (stream.size() > 1000) break;
        }
        SafetensorsFile f = Safetensors.read(out);
        assertArrayEquals(new long[] {256, 128}, f.info("activations").shape(), "4 whole windows of 64 (300 asked)");
        assertEquals(HOOK, f.metadata().get("hook_name"));
        long[] ids = f.longs("input_ids");
        for (int i = 0; i < ids.length; i++) assertEquals(stream.get(i).longValue(), ids[i], "token " + i);
        long[] ids2 = Safetensors.read(skipped).longs("input_ids");
        for (int i = 0; i < ids2.length; i++) assertEquals(stream.get(100 + i).longValue(), ids2[i], "skipped " + i);

        float[] acts = f.floats("activations");
        HookPoint hook = HookPoint.parse(HOOK);
        try (Gpt gpt = Gpt.load(ref, Device.cpu())) {
            for (int w = 0; w < 4; w++) { // each window alone, from position 0
                int[] win = new int[LEN];
                for (int t = 0; t < LEN; t++) win[t] = (int) ids[w * LEN + t];
                float[] want = gpt.forward(new int[][] {win}, ForwardOptions.captureOnly(Set.of(hook)))
                        .activations(hook);
                float max = 0;
                for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - acts[w * LEN * 128 + i]));
                assertTrue(max < 1e-4, "window " + w + " differs by " + max);
            }
        }

        // sae train on that file carries where the activations came from into cfg.json, so sae track / steer
        // and the runtime can splice the folder back in without being told the hook.
        Path sae = dir.resolve("sae");
        String[] t = NanochatInfoCommandTest.run(
                new TrainCommand(),
                "--activations",
                out.toString(),
                "--tensor",
                "activations",
                "--k",
                "4",
                "--expansion",
                "2",
                "--batch",
                "64",
                "--out",
                sae.toString());
        assertEquals("0", t[0], t[2]);
        var meta = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(sae.resolve("cfg.json").toFile())
                .get("metadata"); // where SAELens 6 reads them
        assertEquals(HOOK, meta.get("hook_name").asText());
        assertEquals(ref.modelId(), meta.get("model_name").asText());
        assertEquals(LEN, meta.get("context_size").asInt());
        assertEquals(HOOK, meta.get("training_config").get("hook_point").asText());
    }

    @Test
    void badRequestsGetOneLineErrors() throws Exception {
        Path base = Path.of(getClass().getResource("/nanochat-d2").toURI());
        Path corpus = NeuronpediaExportInProcessTest.europarlSample(dir.resolve("europarl.txt"), 5);
        String[] tooLong = run(base, corpus, dir.resolve("x"), "--tokens", "1000", "--seq-len", "4096");
        assertEquals("1", tooLong[0]);
        assertTrue(tooLong[2].contains("--seq-len must be in 1..128"), tooLong[2]);
        String[] ranOut = run(base, corpus, dir.resolve("y"), "--tokens", "100000", "--seq-len", "64");
        assertEquals("1", ranOut[0]);
        assertTrue(ranOut[2].contains("corpus ran out of text"), ranOut[2]);
        String[] badHook = NanochatInfoCommandTest.run(
                new NanochatActivationsCommand(),
                "--base-dir",
                base.toString(),
                "--hook",
                "blocks.9.hook_resid_post",
                "--corpus",
                corpus.toString(),
                "--tokens",
                "64",
                "--out",
                dir.resolve("z").toString());
        assertEquals("1", badHook[0]);
        assertTrue(
                !Files.exists(dir.resolve("x")) && !Files.exists(dir.resolve("y")) && !Files.exists(dir.resolve("z")));
    }

    private static String[] run(Path base, Path corpus, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "--base-dir", base.toString(), "--hook", HOOK, "--corpus", corpus.toString(), "--out", out.toString()));
        a.addAll(List.of(more));
        return NanochatInfoCommandTest.run(new NanochatActivationsCommand(), a.toArray(String[]::new));
    }
}

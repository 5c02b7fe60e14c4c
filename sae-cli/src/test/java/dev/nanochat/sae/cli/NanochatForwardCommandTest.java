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
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanochatForwardCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesLogitsAndEveryHookNamedAndShapedLikeTheReference() throws Exception {
        Path base = NanochatInfoCommandTest.makeBaseDir(dir.resolve("nc"));
        int[][] ids = {{257, 1, 2, 3, 4}, {257, 200, 100, 50, 25}};
        Path in = Files.writeString(dir.resolve("ids.json"), "[[257,1,2,3,4],[257,200,100,50,25]]");
        Path out = dir.resolve("out.safetensors");
        String[] r = NanochatInfoCommandTest.run(
                new NanochatForwardCommand(),
                "--base-dir",
                base.toString(),
                "--input-ids",
                in.toString(),
                "--out",
                out.toString());
        assertEquals("0", r[0], r[2]);
        SafetensorsFile f = Safetensors.read(out);
        assertEquals(2 + 4 * 2, f.names().size());
        assertArrayEquals(new long[] {2, 5}, f.info("input_ids").shape());
        assertArrayEquals(new long[] {2, 5, 266}, f.info("logits").shape());
        assertArrayEquals(
                new long[] {2, 5, 32}, f.info("blocks.1.hook_resid_post").shape());
        try (Gpt gpt = Gpt.load(ModelCheckpoints.resolve(base, "base", null, null), Device.cpu())) {
            var direct =
                    gpt.forward(ids, new ForwardOptions(new HashSet<>(HookPoint.all(gpt.config())), Map.of(), true));
            assertArrayEquals(direct.logits(), f.floats("logits"));
            assertArrayEquals(
                    direct.activations(HookPoint.parse("blocks.0.hook_attn_out")), f.floats("blocks.0.hook_attn_out"));
        }
    }

    @Test
    void raggedIdsAreRefused() throws Exception {
        Path base = NanochatInfoCommandTest.makeBaseDir(dir.resolve("nc"));
        Path in = Files.writeString(dir.resolve("ids.json"), "[[1,2,3],[4,5]]");
        String[] r = NanochatInfoCommandTest.run(
                new NanochatForwardCommand(),
                "--base-dir",
                base.toString(),
                "--input-ids",
                in.toString(),
                "--out",
                dir.resolve("x").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("row 1 has length 2"), r[2]);
    }
}

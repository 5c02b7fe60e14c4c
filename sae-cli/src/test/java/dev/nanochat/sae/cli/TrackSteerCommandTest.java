package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.nanochat.ForwardOptions;
import dev.nanochat.sae.nanochat.ForwardResult;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.runtime.RuntimeFixture;
import dev.nanochat.sae.runtime.SaeRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `sae track` and `sae steer` on the real nanochat-d2 checkpoint with SAELens folders from disk. */
class TrackSteerCommandTest {
    @TempDir
    static Path dir;

    static Path base, res0, res1;

    @BeforeAll
    static void fixtures() throws Exception {
        base = Path.of(TrackSteerCommandTest.class.getResource("/nanochat-d2").toURI());
        res0 = RuntimeFixture.sae(dir.resolve("res0"), "blocks.0.hook_resid_post", "standard", 256, 0, 1);
        res1 = RuntimeFixture.sae(dir.resolve("res1"), "blocks.1.hook_resid_post", "topk", 256, 4, 2);
    }

    static List<String> run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new SaeCommand()).execute(args);
            assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return List.of(buf.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void trackPrintsEachTokensTopFeaturesAsTheSaeEncodesThem() {
        String text = "Call me Ishmael.";
        List<String> out = run(
                "track",
                "--base-dir",
                base.toString(),
                "--sae",
                res0.toString(),
                res1.toString(),
                "--text",
                text,
                "--top",
                "2");
        try (SaeRuntime rt = SaeRuntime.load(
                ModelCheckpoints.resolve(base, "base", null, null), List.of(res0, res1), Device.cpu())) {
            int[] ids = rt.encodeWithBos(text);
            assertEquals(ids.length + 1, out.size(), String.join("\n", out));
            assertTrue(out.get(0).contains("res0 @blocks.0.hook_resid_post")
                    && out.get(0).contains("res1 @blocks.1.hook_resid_post"));
            ForwardResult clean = rt.gpt()
                    .forward(
                            new int[][] {ids},
                            new ForwardOptions(
                                    Set.of(
                                            HookPoint.parse("blocks.0.hook_resid_post"),
                                            HookPoint.parse("blocks.1.hook_resid_post")),
                                    Map.of(),
                                    false));
            for (int s = 0; s < 2; s++) {
                float[] z = rt.sae(s).sae().encode(clean.activations(rt.sae(s).hook()), ids.length);
                int n = rt.sae(s).dSae();
                for (int t = 0; t < ids.length; t++) {
                    // The oracle's top-2 of this token (value descending), formatted as the table prints it.
                    final int row = t;
                    List<String> want = java.util.stream.IntStream.range(0, n)
                            .filter(f -> z[row * n + f] > 0)
                            .boxed()
                            .sorted((a, b) -> Float.compare(z[row * n + b], z[row * n + a]))
                            .limit(2)
                            .map(f -> f + ":" + String.format(Locale.ROOT, "%.2f", z[row * n + f]))
                            .toList();
                    String expected = String.join(" ", want);
                    assertTrue(
                            out.get(t + 1).contains(expected),
                            "token " + t + " SAE " + s + ": want '" + expected + "' in '" + out.get(t + 1) + "'");
                }
            }
        }
    }

    @Test
    void steerPrintsDefaultAndSteeredSideBySide() {
        String[] common = {
            "steer",
            "--base-dir",
            base.toString(),
            "--sae",
            res1.toString(),
            "--feature",
            "3",
            "--prompt",
            "Call me",
            "--max-tokens",
            "20",
            "--seed",
            "3"
        };
        List<String> zero = run(concat(common, "--strength", "0"));
        List<String> strong = run(concat(common, "--strength", "25"));
        assertTrue(
                zero.get(0).startsWith("DEFAULT") && zero.get(0).contains("| STEERED (res1 3 additive"), zero.get(0));
        List<String> left0 = columns(zero, 0),
                right0 = columns(zero, 1),
                leftS = columns(strong, 0),
                rightS = columns(strong, 1);
        assertEquals(left0, right0, "strength 0 changes nothing");
        assertEquals(left0, leftS, "the default column does not depend on the strength");
        assertNotEquals(leftS, rightS, "a strong steer changes the continuation");
        assertTrue(left0.get(0).startsWith("Call me"));
    }

    static List<String> columns(List<String> out, int side) {
        List<String> col = new ArrayList<>();
        for (String line : out.subList(2, out.size())) {
            int bar = line.indexOf(" | ");
            if (bar < 0) continue;
            col.add((side == 0 ? line.substring(0, bar) : line.substring(bar + 3)).strip());
        }
        return col;
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

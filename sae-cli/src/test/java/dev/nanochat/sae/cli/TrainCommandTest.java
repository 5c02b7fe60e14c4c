package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `sae train` and `sae eval` end to end on small files, including bad input. */
class TrainCommandTest {
    @TempDir
    Path dir;

    static int run(Object command, String... args) {
        return new CommandLine(command)
                .setExecutionExceptionHandler(new ErrorHandler())
                .setErr(new PrintWriter(System.err, true))
                .execute(args);
    }

    private Path activations(String name, long[] shape, float nanAt) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        float[] x = new float[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        if (nanAt >= 0) x[(int) nanAt] = Float.NaN;
        Path f = dir.resolve(name);
        new Safetensors.Writer().f32("resid", shape, x).write(f);
        return f;
    }

    @Test
    void trainsThenEvaluatesAsJson() throws Exception {
        Path acts = activations("acts.safetensors", new long[] {8, 64, 16}, -1);
        Path out = dir.resolve("sae");
        assertEquals(
                0,
                run(
                        new TrainCommand(),
                        "--activations",
                        acts.toString(),
                        "--tensor",
                        "resid",
                        "--arch",
                        "topk",
                        "--k",
                        "4",
                        "--expansion",
                        "4",
                        "--batch",
                        "128",
                        "--tokens",
                        "1024",
                        "--out",
                        out.toString()));
        assertTrue(Files.isRegularFile(out.resolve("cfg.json")));
        assertTrue(Files.isRegularFile(out.resolve("training_state/state.json")));
        JsonNode state = new ObjectMapper()
                .readTree(out.resolve("training_state/state.json").toFile());
        assertEquals(8, state.get("step").asInt());
        assertEquals(1024, state.get("tokens").asInt());
        // Resume with a larger budget continues from step 8.
        assertEquals(
                0,
                run(
                        new TrainCommand(),
                        "--activations",
                        acts.toString(),
                        "--tensor",
                        "resid",
                        "--resume",
                        out.toString(),
                        "--tokens",
                        "2048",
                        "--out",
                        out.toString()));
        state = new ObjectMapper()
                .readTree(out.resolve("training_state/state.json").toFile());
        assertEquals(16, state.get("step").asInt());
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true));
        int code;
        try {
            code = run(
                    new EvalCommand(),
                    "--sae",
                    out.toString(),
                    "--activations",
                    acts.toString(),
                    "--tensor",
                    "resid",
                    "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        String stdout = bytes.toString().trim();
        assertEquals(1, stdout.lines().count(), "exactly one JSON object on stdout: " + stdout);
        JsonNode m = new ObjectMapper().readTree(stdout);
        assertEquals(512, m.get("tokens").asInt());
        assertTrue(m.get("l0").asDouble() <= 4.0 && m.get("l0").asDouble() > 0, stdout);
        assertTrue(m.get("fvu").asDouble() < 1.0, stdout);
        for (String f : new String[] {
            "mse",
            "explained_variance",
            "l1",
            "dead_fraction",
            "dense_fraction_10pct",
            "dense_fraction_1pct",
            "log10_density_histogram",
            "cosine",
            "l2_ratio"
        }) assertTrue(m.has(f), f);
    }

    @Test
    void badInputFailsWithoutWritingAFolder() throws Exception {
        Path nan = activations("nan.safetensors", new long[] {256, 16}, 16 * 100 + 3);
        Path ok = activations("ok.safetensors", new long[] {256, 16}, -1);
        Path wide = activations("wide.safetensors", new long[] {256, 24}, -1);
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        byte[] bytes = Files.readAllBytes(ok);
        Path truncated =
                Files.write(dir.resolve("trunc.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String[][] cases = {
            {"--activations", nan.toString(), "--tensor", "resid"},
            {"--activations", empty.toString(), "--tensor", "resid"},
            {"--activations", truncated.toString(), "--tensor", "resid"},
            {"--activations", ok.toString(), "--tensor", "nope"},
            {"--activations", dir.resolve("missing.safetensors").toString(), "--tensor", "resid"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("out-" + c[1].hashCode());
            String[] args = java.util.stream.Stream.concat(
                            java.util.Arrays.stream(c),
                            java.util.stream.Stream.of("--batch", "64", "--k", "4", "--out", out.toString()))
                    .toArray(String[]::new);
            assertEquals(1, run(new TrainCommand(), args), String.join(" ", c));
            assertFalse(Files.exists(out), "no output folder for " + String.join(" ", c));
        }
        // A checkpoint trained on d_in=16 refuses d_in=24 activations, for resume and for eval.
        Path out = dir.resolve("good");
        assertEquals(
                0,
                run(
                        new TrainCommand(),
                        "--activations",
                        ok.toString(),
                        "--tensor",
                        "resid",
                        "--k",
                        "4",
                        "--batch",
                        "64",
                        "--tokens",
                        "128",
                        "--out",
                        out.toString()));
        Path resumed = dir.resolve("resumed");
        assertEquals(
                1,
                run(
                        new TrainCommand(),
                        "--activations",
                        wide.toString(),
                        "--tensor",
                        "resid",
                        "--resume",
                        out.toString(),
                        "--out",
                        resumed.toString()));
        assertFalse(Files.exists(resumed));
        assertEquals(
                1,
                run(new EvalCommand(), "--sae", out.toString(), "--activations", wide.toString(), "--tensor", "resid"));
        assertEquals(
                1,
                run(
                        new EvalCommand(),
                        "--sae",
                        dir.resolve("nothing").toString(),
                        "--activations",
                        ok.toString(),
                        "--tensor",
                        "resid"));
    }
}

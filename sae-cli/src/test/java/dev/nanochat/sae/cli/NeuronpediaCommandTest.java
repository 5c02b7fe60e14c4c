package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.neuronpedia.Fixtures;
import dev.nanochat.sae.neuronpedia.api.FakeDashboardServer;
import dev.nanochat.sae.neuronpedia.export.Checksums;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `sae neuronpedia export` (real d2 checkpoint, dashboards from a read-API server) then `upload --dry-run`. */
class NeuronpediaCommandTest {
    @TempDir
    Path tmp;

    @Test
    void exportsThenDryRunsTheUpload() throws Exception {
        Path sae = Fixtures.saeFolder(tmp.resolve("sae"), 30);
        Path out = tmp.resolve("pkg");
        try (FakeDashboardServer viz = new FakeDashboardServer(Fixtures.dashboards(30, 3, 12))) {
            String o = run(
                    0,
                    "neuronpedia",
                    "export",
                    "--sae",
                    sae.toString(),
                    "--base-dir",
                    "src/test/resources/nanochat-d2",
                    "--model-id",
                    Fixtures.MODEL,
                    "--source-set",
                    Fixtures.SET,
                    "--out",
                    out.toString(),
                    "--dashboards-url",
                    viz.baseUrl());
            assertTrue(o.contains("features: 20 live, 10 dead"), o);
            assertTrue(o.contains("neuronpedia id: d2-000600/1-res-topk"), o);
        }
        assertEquals(java.util.List.of(), Checksums.verify(out));
        assertTrue(Files.isRegularFile(tmp.resolve("pkg.tar.gz")));
        String meta = Files.readString(out.resolve("metadata.json"));
        assertTrue(meta.contains("\"modelLayers\" : 2"), meta);
        String dry = run(
                0,
                "neuronpedia",
                "upload",
                "--export",
                out.toString(),
                "--base-url",
                "https://www.neuronpedia.org/",
                "--dry-run");
        assertTrue(dry.contains("20 features, 10 dead skipped"), dry);
        assertTrue(dry.contains("valid: nothing was sent"), dry);
        assertTrue(dry.contains("(1 feature batches"), dry);
        // a smaller body cap splits the same features into more, smaller batches
        String small =
                run(0, "neuronpedia", "upload", "--export", out.toString(), "--dry-run", "--max-body-bytes", "10000");
        assertTrue(small.contains("(2 feature batches"), small);
        int largest = Integer.parseInt(
                small.replaceAll("(?s).*largest ([0-9,]+) bytes.*", "$1").replace(",", ""));
        assertTrue(largest <= 10000, small);
        String bad = run(
                1,
                "neuronpedia",
                "export",
                "--sae",
                sae.toString(),
                "--model-id",
                Fixtures.MODEL,
                "--source-set",
                "8x-topk",
                "--out",
                out.toString());
        assertTrue(bad.contains("start with a letter"), bad);
    }

    static String run(int expectedCode, String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new SaeCommand()).setExecutionExceptionHandler(new ErrorHandler());
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            String all = buf.toString(StandardCharsets.UTF_8) + err;
            assertEquals(expectedCode, code, all);
            return all;
        } finally {
            System.setOut(before);
        }
    }
}

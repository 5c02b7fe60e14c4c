package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** `sae bench train` / `sae bench gemm` print parseable figures (tiny shapes; speed is not asserted). */
class BenchTrainCommandTest {
    private static String capture(Object cmd, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true));
        try {
            assertEquals(0, TrainCommandTest.run(cmd, args));
        } finally {
            System.setOut(old);
        }
        return bytes.toString().trim();
    }

    @Test
    void lastLineHasThroughputFigures() {
        for (String kernels : new String[] {"SPARSE", "DENSE"}) {
            String out = capture(
                    new BenchTrainCommand(),
                    "--arch",
                    "topk",
                    "--d-in",
                    "32",
                    "--d-sae",
                    "128",
                    "--k",
                    "4",
                    "--batch",
                    "64",
                    "--steps",
                    "3",
                    "--kernels",
                    kernels);
            String last = out.lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(last.matches("tokens_per_s=\\d+ gflops=[0-9.]+ peak_rss_mb=\\d+"), last);
            assertTrue(Long.parseLong(last.split(" ")[0].split("=")[1]) > 0, last);
        }
    }

    @Test
    void gemmPrintsOneLinePerShape() {
        String out =
                capture(new BenchGemmCommand(), "--batch", "64", "--d-in", "32", "--d-sae", "128,256", "--reps", "1");
        assertEquals(2, out.lines().count(), out);
        assertTrue(out.lines().allMatch(l -> l.matches("gemm m=64 k=32 n=(128|256) gflops=[0-9.]+")), out);
    }
}

package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchNanochatCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTokensPerSecondFractionOfPeakAndTokenizerSpeed() throws Exception {
        Path base = NanochatInfoCommandTest.makeBaseDir(dir);
        Path text = dir.resolve("text.txt");
        java.nio.file.Files.writeString(text, "the whale and the sea, then the ship. ".repeat(2000));
        String[] r = NanochatInfoCommandTest.run(
                new BenchNanochatCommand(),
                "--base-dir",
                base.toString(),
                "--batch",
                "2",
                "--seq",
                "16",
                "--reps",
                "1",
                "--text-file",
                text.toString());
        assertEquals("0", r[0], r[2]);
        Matcher tps = Pattern.compile("batch=2 seq=16: (\\d+) tokens/s").matcher(r[1]);
        assertTrue(tps.find() && Long.parseLong(tps.group(1)) > 0, r[1]);
        Matcher frac = Pattern.compile("forward at ([0-9.]+)% of peak").matcher(r[1]);
        assertTrue(frac.find() && Double.parseDouble(frac.group(1)) > 0, r[1]);
        assertTrue(
                Pattern.compile("= [0-9.]+ MB/s \\(\\d+ tokens").matcher(r[1]).find(), r[1]);
    }
}

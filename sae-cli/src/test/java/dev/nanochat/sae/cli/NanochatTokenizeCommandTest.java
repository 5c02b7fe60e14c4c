package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanochatTokenizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsIdsAsJson() {
        Path base = NanochatInfoCommandTest.makeBaseDir(dir);
        // "the cat": pieces "the", " ", "cat" (pattern \s+|\S+); "th" merges to 256, the rest are bytes.
        String[] r = NanochatInfoCommandTest.run(
                new NanochatTokenizeCommand(), "--base-dir", base.toString(), "--text", "the cat");
        assertEquals("0", r[0], r[2]);
        assertEquals("[256,101,32,99,97,116]", r[1].trim());
        String[] bos = NanochatInfoCommandTest.run(
                new NanochatTokenizeCommand(), "--base-dir", base.toString(), "--text", "a", "--bos");
        assertEquals("[257,97]", bos[1].trim());
    }
}

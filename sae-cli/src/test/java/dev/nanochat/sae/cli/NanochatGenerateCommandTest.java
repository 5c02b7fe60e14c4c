package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanochatGenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void continuesThePromptDeterministicallyForASeed() {
        Path base = NanochatInfoCommandTest.makeBaseDir(dir);
        String[] args = {
            "--base-dir", base.toString(), "--prompt", "the", "--max-tokens", "6", "--temperature", "0.9", "--seed", "5"
        };
        String[] a = NanochatInfoCommandTest.run(new NanochatGenerateCommand(), args);
        String[] b = NanochatInfoCommandTest.run(new NanochatGenerateCommand(), args);
        assertEquals("0", a[0], a[2]);
        assertTrue(a[1].startsWith("the"), a[1]);
        assertEquals(a[1], b[1]);
    }
}

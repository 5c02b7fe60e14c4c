package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.nanochat.ModelCheckpointWriter;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.StateDictLayout;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerData;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerWriter;
import dev.nanochat.sae.nanochat.torch.StorageType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NanochatInfoCommandTest {
    static final ModelConfig CONFIG = new ModelConfig(32, 266, 2, 4, 2, 32);
    static final String[] SPECIALS = {
        "<|bos|>",
        "<|user_start|>",
        "<|user_end|>",
        "<|assistant_start|>",
        "<|assistant_end|>",
        "<|python_start|>",
        "<|python_end|>",
        "<|output_start|>",
        "<|output_end|>"
    };

    /** A nanochat base dir with a byte-level tokenizer (256 bytes + "th", "e " merges + 9 specials) and a random GQA model. */
    static Path makeBaseDir(Path dir) {
        byte[][] ranks = new byte[257][];
        for (int i = 0; i < 256; i++) ranks[i] = new byte[] {(byte) i};
        ranks[256] = "th".getBytes(StandardCharsets.UTF_8);
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (int i = 0; i < SPECIALS.length; i++) specials.put(SPECIALS[i], 257 + i);
        TokenizerWriter.write(dir.resolve("tokenizer"), new TokenizerData("test", "\\s+|\\S+", ranks, specials));
        Random rng = new Random(3);
        Map<String, float[]> w = new LinkedHashMap<>();
        StateDictLayout.shapes(CONFIG).forEach((k, s) -> {
            float[] a = new float[(int) (s[0] * s[1])];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() / Math.sqrt(s[1]));
            w.put(k, a);
        });
        ModelCheckpointWriter.write(dir, "base", "d2", 7, CONFIG, w, StorageType.BFLOAT16, null);
        return dir;
    }

    /** Runs a command, returning [exit code, stdout, stderr]. */
    static String[] run(Object command, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(command).setExecutionExceptionHandler(new ErrorHandler());
            cl.setErr(new java.io.PrintWriter(err, true));
            int code = cl.execute(args);
            return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString()};
        } finally {
            System.setOut(old);
        }
    }

    @TempDir
    Path dir;

    @Test
    void printsConfigParametersAndFiles() {
        Path base = makeBaseDir(dir);
        String[] r = run(new NanochatInfoCommand(), "--base-dir", base.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("model_id: d2-000007"), r[1]);
        assertTrue(r[1].contains("n_head=4 n_kv_head=2 n_embd=32"), r[1]);
        assertTrue(r[1].contains(String.format("parameters: %,d", CONFIG.parameterCount())), r[1]);
        assertTrue(r[1].contains("vocab 266, 9 special tokens"), r[1]);
    }

    @Test
    void missingCheckpointIsOneClearErrorLine() {
        String[] r = run(new NanochatInfoCommand(), "--base-dir", dir.toString(), "--source", "sft");
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("error: no checkpoint directory") && r[2].contains("chatsft_checkpoints"), r[2]);
    }
}

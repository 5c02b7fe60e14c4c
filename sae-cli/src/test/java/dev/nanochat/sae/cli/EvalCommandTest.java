package dev.nanochat.sae.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeRegistry;
import dev.nanochat.sae.core.io.HostTensor;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `sae eval` in model mode on the real nanochat d2 fixture (n_embd 128, context 128, vocab 1024):
 * the spliced next-token loss of SAEs whose effect on the model is known exactly.
 */
class EvalCommandTest {
    static final int D = 128;
    static final String HOOK = "blocks.1.hook_resid_post";
    static final String TEXT =
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money "
                    + "in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and "
                    + "see the watery part of the world. It is a way I have of driving off the spleen and regulating the circulation.";

    @TempDir
    static Path dir;

    static Path base, identity, zero, text;

    @BeforeAll
    static void fixtures() throws Exception {
        base = Path.of(EvalCommandTest.class.getResource("/nanochat-d2").toURI());
        identity = writeSae("identity", true);
        zero = writeSae("zero", false);
        text = Files.writeString(dir.resolve("moby.txt"), TEXT, StandardCharsets.UTF_8);
    }

    /**
     * d_sae = 2·d_in, W_enc = [I, −I], b = 0, ReLU: z = [ReLU(x), ReLU(−x)]. With W_dec = [I; −I] the
     * reconstruction is ReLU(x) − ReLU(−x) = x exactly; with W_dec = 0 it is exactly zero.
     */
    static Path writeSae(String name, boolean exact) {
        float[] wEnc = new float[D * 2 * D];
        float[] wDec = new float[2 * D * D];
        for (int i = 0; i < D; i++) {
            wEnc[i * 2 * D + i] = 1f;
            wEnc[i * 2 * D + D + i] = -1f;
            if (exact) {
                wDec[i * D + i] = 1f;
                wDec[(D + i) * D + i] = -1f;
            }
        }
        SaeConfig cfg = SaeConfig.builder("relu", D)
                .dSae(2 * D)
                .modelName("d2-000600")
                .hookPoint(HOOK)
                .contextSize(128)
                .build();
        Path out = dir.resolve(name);
        try (Sae sae = SaeRegistry.create(
                "standard",
                cfg,
                Map.of(
                        "W_enc", new HostTensor(new long[] {D, 2 * D}, wEnc),
                        "b_enc", new HostTensor(new long[] {2 * D}, new float[2 * D]),
                        "W_dec", new HostTensor(new long[] {2 * D, D}, wDec),
                        "b_dec", new HostTensor(new long[] {D}, new float[D])))) {
            sae.save(out);
        }
        return out;
    }

    /** Runs `sae eval`, returning [exit code, stdout, stderr]. */
    static String[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new EvalCommand()).setExecutionExceptionHandler(new ErrorHandler());
            cl.setErr(new PrintWriter(err, true));
            return new String[] {String.valueOf(cl.execute(args)), out.toString(StandardCharsets.UTF_8), err.toString()
            };
        } finally {
            System.setOut(old);
        }
    }

    static JsonNode evalJson(String... args) throws Exception {
        String[] r = run(args);
        assertEquals("0", r[0], r[2]);
        return new ObjectMapper().readTree(r[1]);
    }

    @Test
    void exactReconstructionRecoversTheCleanLoss() throws Exception {
        JsonNode m = evalJson(
                "--sae", identity.toString(), "--base-dir", base.toString(), "--text-file", text.toString(), "--json");
        assertEquals("d2-000600", m.get("model_id").asText());
        assertEquals(HOOK, m.get("hook").asText(), "hook defaults to the SAE's metadata.hook_name");
        int expectedTokens = 1 + Tokenizer.load(base.resolve("tokenizer")).encodeOrdinary(TEXT).length;
        assertTrue(expectedTokens > 2 && expectedTokens <= 128, "one window: " + expectedTokens);
        assertEquals(expectedTokens, m.get("eval_tokens").asInt(), "<|bos|> + the text's tokens");
        assertEquals(expectedTokens - 1, m.get("ce_tokens").asLong(), "every token after the first is predicted");
        assertTrue(m.get("fvu").asDouble() < 1e-10, "fvu " + m.get("fvu"));
        double clean = m.get("ce_loss_clean").asDouble(),
                zeroCe = m.get("ce_loss_zero_ablated").asDouble();
        assertTrue(clean > 0 && Double.isFinite(clean), "clean " + clean);
        assertTrue(
                zeroCe - clean > 0.1,
                "zero-ablating the residual stream must hurt: clean " + clean + ", zero " + zeroCe);
        assertEquals(clean, m.get("ce_loss_spliced").asDouble(), 1e-5);
        assertEquals(1.0, m.get("ce_loss_recovered").asDouble(), 1e-4);
        assertEquals(0.0, m.get("kl_spliced").asDouble(), 1e-6);
        assertTrue(m.get("kl_zero_ablated").asDouble() > 0.1, "kl_zero_ablated " + m.get("kl_zero_ablated"));
    }

    @Test
    void zeroReconstructionRecoversNothing() throws Exception {
        JsonNode m = evalJson(
                "--sae", zero.toString(), "--base-dir", base.toString(), "--text-file", text.toString(), "--json");
        assertEquals(
                m.get("ce_loss_zero_ablated").asDouble(),
                m.get("ce_loss_spliced").asDouble(),
                1e-6);
        assertEquals(0.0, m.get("ce_loss_recovered").asDouble(), 1e-4);
        assertEquals(m.get("kl_zero_ablated").asDouble(), m.get("kl_spliced").asDouble(), 1e-6);
        // fvu = Σ‖x − x̂‖² / Σ‖x − x̄‖²; with x̂ = 0 the numerator Σ‖x‖² is never below the centred sum.
        assertTrue(m.get("fvu").asDouble() >= 1 - 1e-9, "x̂ = 0 is no better than the mean: fvu " + m.get("fvu"));
    }

    @Test
    void corpusWindowsRespectTokenBudgetAndSequenceLength() throws Exception {
        Path corpus =
                Files.writeString(dir.resolve("corpus.txt"), TEXT.replace(". ", ".\n") + "\n", StandardCharsets.UTF_8);
        JsonNode m = evalJson(
                "--sae",
                identity.toString(),
                "--base-dir",
                base.toString(),
                "--corpus",
                corpus.toString(),
                "--hook",
                "blocks.0.hook_mlp_out",
                "--tokens",
                "100",
                "--seq-len",
                "16",
                "--json");
        assertEquals("blocks.0.hook_mlp_out", m.get("hook").asText(), "--hook overrides the cfg");
        assertEquals(100, m.get("eval_tokens").asInt());
        int windows = m.get("ce_sequences").asInt();
        assertTrue(windows >= 7, "100 tokens in windows of <= 16 need >= 7 windows, got " + windows);
        assertEquals(100 - windows, m.get("ce_tokens").asLong(), "each window of L tokens predicts L-1");
        assertEquals(1.0, m.get("ce_loss_recovered").asDouble(), 1e-4);
    }

    @Test
    void badHookIsOneClearErrorAndExitOne() {
        String[] r = run(
                "--sae",
                identity.toString(),
                "--base-dir",
                base.toString(),
                "--text-file",
                text.toString(),
                "--hook",
                "blocks.1.hook_resid_middle",
                "--json");
        assertEquals("1", r[0]);
        assertEquals("", r[1], "no JSON on failure");
        assertTrue(r[2].startsWith("error: unknown hook point 'blocks.1.hook_resid_middle'"), r[2]);
        r = run(
                "--sae",
                identity.toString(),
                "--base-dir",
                base.toString(),
                "--text-file",
                text.toString(),
                "--hook",
                "blocks.7.hook_resid_post");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("'blocks.7.hook_resid_post' is out of range: the model has 2 layers"), r[2]);
    }

    @Test
    void inputsAreExclusiveAndTensorIsRequiredForActivations() {
        String[] r = run("--sae", identity.toString(), "--text-file", text.toString(), "--corpus", text.toString());
        assertEquals("2", r[0], "usage error");
        assertTrue(r[2].contains("mutually exclusive"), r[2]);
        r = run("--sae", identity.toString(), "--activations", text.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--tensor is required with --activations"), r[2]);
    }
}

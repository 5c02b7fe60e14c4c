package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java forward against activations nanochat's own GPT produced for the fixture. */
class GptFixtureTest {
    private static Gpt gpt;
    private static SafetensorsFile reference;
    private static int[][] ids;

    @BeforeAll
    static void load() {
        ModelCheckpoint ref = ModelCheckpoints.resolve(Fixture.baseDir(), "base", null, null);
        gpt = Gpt.load(ref, Device.cpu());
        reference = Safetensors.read(Fixture.baseDir().resolve("reference_activations.safetensors"));
        long[] shape = reference.info("input_ids").shape();
        long[] flat = reference.longs("input_ids");
        ids = new int[(int) shape[0]][(int) shape[1]];
        for (int b = 0; b < shape[0]; b++) {
            for (int t = 0; t < shape[1]; t++) ids[b][t] = (int) flat[(int) (b * shape[1] + t)];
        }
    }

    @AfterAll
    static void close() {
        gpt.close();
    }

    @Test
    void resolvesTheFixtureCheckpointByDefaults() {
        ModelCheckpoint ref = ModelCheckpoints.resolve(Fixture.baseDir(), "base", null, null);
        assertEquals("d2", ref.tag());
        assertEquals(600, ref.step());
        assertEquals("d2-000600", ref.modelId());
        assertEquals(new ModelConfig(128, 1024, 2, 4, 4, 128), ref.config());
    }

    @Test
    void inputIdsAreBosPlusTheReferenceTexts() {
        Tokenizer tok = Tokenizer.load(Fixture.baseDir().resolve("tokenizer"));
        JsonNode fwd = Fixture.reference().get("forward");
        for (int b = 0; b < ids.length; b++) {
            int[] text = tok.encodeOrdinary(fwd.get("texts").get(b).asText());
            int[] expected = new int[ids[b].length];
            expected[0] = tok.bosId();
            System.arraycopy(text, 0, expected, 1, expected.length - 1);
            assertArrayEquals(expected, ids[b]);
        }
    }

    /**
     * The reference's logits cover all T = 23 positions, its hook tensors the first 22 (nanochat ran
     * the hooks on input_ids[:, :-1], the loss inputs). Causality makes both a prefix of one pass.
     */
    @Test
    void everyHookAndTheLogitsMatchNanochatWithin1e4() {
        Set<HookPoint> all = new HashSet<>(HookPoint.all(gpt.config()));
        ForwardResult r = gpt.forward(ids, new ForwardOptions(all, Map.of(), true));
        ForwardResult shorter = gpt.forward(dropLast(ids), new ForwardOptions(all, Map.of(), false));
        int checked = 0;
        for (String name : reference.names()) {
            if (name.equals("input_ids")) continue;
            float[] expected = reference.floats(name);
            if (name.equals("logits")) {
                assertTrue(
                        Fixture.maxAbsDiff(expected, r.logits()) <= 1e-4f,
                        "logits max abs diff " + Fixture.maxAbsDiff(expected, r.logits()));
            } else {
                HookPoint h = HookPoint.parse(name);
                float diffShort = Fixture.maxAbsDiff(expected, shorter.activations(h));
                float diffPrefix = Fixture.maxAbsDiff(
                        expected, prefix(r.activations(h), ids.length, ids[0].length, ids[0].length - 1));
                assertTrue(
                        diffShort <= 1e-4f && diffPrefix <= 1e-4f,
                        name + " max abs diff " + diffShort + " / " + diffPrefix);
            }
            checked++;
        }
        assertEquals(7, checked);
        // resid_pre of layer 1 is resid_post of layer 0 (not in the reference file, but implied by it).
        assertArrayEquals(
                r.activations(HookPoint.parse("blocks.0.hook_resid_post")),
                r.activations(HookPoint.parse("blocks.1.hook_resid_pre")));
    }

    static int[][] dropLast(int[][] x) {
        int[][] out = new int[x.length][];
        for (int i = 0; i < x.length; i++) out[i] = java.util.Arrays.copyOf(x[i], x[i].length - 1);
        return out;
    }

    /** The first {@code keep} positions of each row of a [B,T,C] array. */
    static float[] prefix(float[] a, int b, int t, int keep) {
        int c = a.length / (b * t);
        float[] out = new float[b * keep * c];
        for (int i = 0; i < b; i++) System.arraycopy(a, i * t * c, out, i * keep * c, keep * c);
        return out;
    }

    @Test
    void lossOnInputIdsMatchesWithin1e4() {
        int b = ids.length, t = ids[0].length - 1;
        int[][] inputs = new int[b][t], targets = new int[b][t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids[i], 0, inputs[i], 0, t);
            System.arraycopy(ids[i], 1, targets[i], 0, t);
        }
        double loss = gpt.forward(inputs, ForwardOptions.logitsOnly()).crossEntropy(targets);
        double expected =
                Fixture.reference().get("forward").get("loss_on_input_ids").asDouble();
        assertEquals(expected, loss, 1e-4);
    }

    @Test
    void captureOnlyStopsEarlyButAgreesWithTheFullPass() {
        HookPoint h = HookPoint.parse("blocks.0.hook_mlp_out");
        ForwardResult partial = gpt.forward(dropLast(ids), ForwardOptions.captureOnly(Set.of(h)));
        assertTrue(Fixture.maxAbsDiff(reference.floats(h.name()), partial.activations(h)) <= 1e-4f);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, partial::logits);
    }
}

package dev.nanochat.sae.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads reference_activations.safetensors, written by Python's safetensors from nanochat's seed
 * forward pass (d2 model: 2 layers, n_embd 128, vocab 1024) on two sentences of 23 tokens.
 */
class ReferenceFixtureTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ReferenceFixtureTest.class.getResource("/" + name).toURI());
    }

    @Test
    void namesShapesDtypesAndMetadata() throws Exception {
        SafetensorsFile f = Safetensors.read(resource("reference_activations.safetensors"));
        JsonNode ref = new ObjectMapper().readTree(resource("reference.json").toFile());
        List<String> expectedNames = new ObjectMapper().convertValue(ref.at("/forward/tensors"), List.class);
        assertEquals(expectedNames, f.names().stream().sorted().toList());
        assertEquals(Map.of("note", "nanochat forward (seed gpt.py) on CPU fp32"), f.metadata());
        assertEquals(DType.I64, f.info("input_ids").dtype());
        assertArrayEquals(new long[] {2, 23}, f.info("input_ids").shape());
        assertArrayEquals(new long[] {2, 23, 1024}, f.info("logits").shape());
        for (String hook : List.of("blocks.0.hook_attn_out", "blocks.1.hook_mlp_out", "blocks.1.hook_resid_post")) {
            assertEquals(DType.F32, f.info(hook).dtype());
            assertArrayEquals(new long[] {2, 22, 128}, f.info(hook).shape(), hook);
        }
        assertEquals(ref.at("/forward/seq_len").asLong(), f.info("input_ids").shape()[1]);
    }

    @Test
    void inputIdsAgreeWithTheReferenceTokenization() throws Exception {
        SafetensorsFile f = Safetensors.read(resource("reference_activations.safetensors"));
        JsonNode ref = new ObjectMapper().readTree(resource("reference.json").toFile());
        int[] ids = f.ints("input_ids"); // [2, 23] row-major
        assertEquals(1015, ids[0]); // both rows start with BOS
        assertEquals(1015, ids[23]);
        // Row 1 is "The captain ...": its first token equals "The" in the reference's "The whale, ..." row.
        assertEquals(ref.at("/tokenization/1/ids/0").asInt(), ids[23 + 1]);
        // Row 0 is "It was ...": "It" tokenises as 'I','t' exactly as the reference's "It's ..." row.
        assertEquals(ref.at("/tokenization/4/ids/0").asInt(), ids[1]);
        assertEquals(ref.at("/tokenization/4/ids/1").asInt(), ids[2]);
        assertEquals(46, ids[2 * 23 - 1]); // row 1 ends with "." (byte 46)
    }

    /** Values as numpy reads them (bit patterns), and a structural identity of the residual stream. */
    @Test
    void activationValues() throws Exception {
        SafetensorsFile f = Safetensors.read(resource("reference_activations.safetensors"));
        float[] r0 = f.floats("blocks.0.hook_resid_post");
        assertEquals(0x410707af, Float.floatToRawIntBits(r0[0]));
        assertEquals(0xbf56944a, Float.floatToRawIntBits(r0[1]));
        assertEquals(0x3fa480f9, Float.floatToRawIntBits(r0[2]));
        assertEquals(0xc0ca5e1c, Float.floatToRawIntBits(r0[3]));
        float[] logits = f.floats("logits");
        assertEquals(0xc0d3781b, Float.floatToRawIntBits(logits[logits.length - 1])); // [1, 22, 1023]
        // nanochat blocks add to the residual: resid_post1 = (resid_post0 + attn_out1) + mlp_out1, bit-exact.
        float[] a1 = f.floats("blocks.1.hook_attn_out");
        float[] m1 = f.floats("blocks.1.hook_mlp_out");
        float[] r1 = f.floats("blocks.1.hook_resid_post");
        for (int i = 0; i < r1.length; i++) {
            assertEquals(r1[i], (r0[i] + a1[i]) + m1[i], 0f, "element " + i);
        }
        double sum = 0;
        for (float v : m1) {
            sum += v;
        }
        assertEquals(38.89594034961192, sum, 1e-9); // float64 sum as computed by numpy
    }
}

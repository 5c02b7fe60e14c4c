package dev.nanochat.sae.core;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.train.LrSchedule;
import org.junit.jupiter.api.Test;

class SaeConfigTest {
    @Test
    void derivedDefaults() {
        SaeConfig c = SaeConfig.builder("topk", 768).build();
        assertEquals(6144, c.dSae()); // seed: expansion 8
        assertEquals(64, c.k());
        assertEquals(384, c.auxK()); // d_in / 2
        // Gao's 2e-4·√(2^14/d_sae), scaled by √(2048/d_in) for the relative step per weight
        assertEquals(2e-4 / Math.sqrt(6144 / 16384.0) * Math.sqrt(2048 / 768.0), c.learningRate(), 1e-12);
        assertEquals(
                4 * 2e-4 / Math.sqrt(768 / 16384.0),
                SaeConfig.builder("topk", 128).dSae(768).build().learningRate(),
                1e-12);
        assertEquals(1.0 / 32, c.auxKCoefficient());
    }

    @Test
    void jsonRoundTrip() throws Exception {
        SaeConfig c = SaeConfig.builder("gated", 32)
                .expansionFactor(4)
                .l1Coefficient(3)
                .lrDecay("cosine")
                .hookPoint("blocks.0.hook_mlp_out")
                .seed(99)
                .build();
        String text = new ObjectMapper().writeValueAsString(c.toJson());
        assertEquals(c, SaeConfig.fromJson(new ObjectMapper().readTree(text)));
    }

    @Test
    void invalidValuesAreNamed() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeConfig.builder("topk", 16).dSae(32).k(40).build());
        assertTrue(e.getMessage().contains("k must be in [1, d_sae=32], got 40"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SaeConfig.builder("mystery", 16)
                .build());
        assertTrue(e.getMessage().contains("'mystery'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeConfig.builder("relu", 16).learningRate(-1).build());
        assertTrue(e.getMessage().contains("learning_rate must be > 0, got -1.0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeConfig.builder("relu", 16).lrDecay("step").build());
        assertTrue(e.getMessage().contains("'step'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SaeConfig.builder("relu", 16).dtype("bfloat16").build());
        assertTrue(e.getMessage().contains("'bfloat16'"), e.getMessage());
    }

    @Test
    void unknownJsonFieldsAreRejected() throws Exception {
        var node = SaeConfig.builder("topk", 8).build().toJson().put("colour", "red");
        var e = assertThrows(IllegalArgumentException.class, () -> SaeConfig.fromJson(node));
        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
        var bad = SaeConfig.builder("topk", 8).build().toJson().put("k", "many");
        e = assertThrows(IllegalArgumentException.class, () -> SaeConfig.fromJson(bad));
        assertTrue(e.getMessage().contains("'k' must be an integer"), e.getMessage());
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        SaeConfig c = SaeConfig.builder("topk", 8)
                .learningRate(1e-3)
                .warmupSteps(10)
                .lrDecay("linear")
                .build();
        assertEquals(1e-4, LrSchedule.lr(c, 0, 100), 1e-12);
        assertEquals(1e-3, LrSchedule.lr(c, 50, 100), 1e-12);
        assertEquals(5e-4, LrSchedule.lr(c, 90, 100), 1e-12); // linear decay over the last 20%
        SaeConfig cos = c.toBuilder().lrDecay("cosine").build();
        assertEquals(5e-4, LrSchedule.lr(cos, 55, 100), 1e-9);
        SaeConfig l1 =
                SaeConfig.builder("relu", 8).l1Coefficient(4).l1WarmupSteps(4).build();
        assertEquals(1.0, LrSchedule.sparsityCoefficient(l1, 0), 1e-12);
        assertEquals(4.0, LrSchedule.sparsityCoefficient(l1, 10), 1e-12);
    }
}

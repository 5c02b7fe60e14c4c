package dev.nanochat.sae.core.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void activationTopicPerModelAndHook() {
        assertEquals(
                "sae.activations.d2-000600.blocks.1.hook_resid_post",
                Topics.activations("d2-000600", "blocks.1.hook_resid_post"));
        assertTrue(Topics.isActivations("sae.activations.d2-000600.blocks.1.hook_resid_post"));
        assertFalse(Topics.isActivations(Topics.CHECKPOINTS));
    }

    @Test
    void illegalCharactersBecomeUnderscores() {
        assertEquals(
                "sae.activations.sft-d20_v2_x.blocks.0.hook_mlp_out",
                Topics.activations("sft-d20/v2 x", "blocks.0.hook_mlp_out"));
        assertEquals("sae.activations.m.h__", Topics.activations("m", "h:é"));
    }

    @Test
    void tooLongOrEmptyNamesFail() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Topics.activations("m".repeat(240), "blocks.0.hook_x"));
        assertTrue(e.getMessage().endsWith("is 272 characters; Kafka allows 249"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.activations("", "h"));
        assertThrows(IllegalArgumentException.class, () -> Topics.activations("m", null));
    }
}

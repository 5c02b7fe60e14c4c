package dev.nanochat.sae.neuronpedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NeuronpediaIdsTest {
    @Test
    void acceptsNeuronpediaStyleIds() {
        assertEquals("d4-000338", NeuronpediaIds.modelId("d4-000338"));
        assertEquals("gpt2.small", NeuronpediaIds.modelId("gpt2.small"));
        assertEquals("res-topk-2k", NeuronpediaIds.sourceSetName("res-topk-2k"));
        assertEquals("1-res-topk-2k", NeuronpediaIds.sourceId(1, "res-topk-2k"));
        assertEquals("d4-000338/1-res-topk-2k/17", NeuronpediaIds.featureId("d4-000338", "1-res-topk-2k", 17));
        assertEquals(12, NeuronpediaIds.layerOf("12-res-topk"));
        assertEquals("res-topk", NeuronpediaIds.setNameOf("12-res-topk"));
        assertEquals(3, NeuronpediaIds.layerOfHook("blocks.3.hook_mlp_out"));
    }

    @Test
    void rejectsWhatNeuronpediaRejectsWithTheRuleInTheMessage() {
        assertTrue(assertThrows(InvalidIdException.class, () -> NeuronpediaIds.sourceSetName("8x-topk"))
                .getMessage()
                .contains("start with a letter"));
        assertTrue(assertThrows(InvalidIdException.class, () -> NeuronpediaIds.sourceSetName("neurons"))
                .getMessage()
                .contains("reserved"));
        assertTrue(assertThrows(InvalidIdException.class, () -> NeuronpediaIds.sourceSetName("res--topk"))
                .getMessage()
                .contains("--"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.sourceSetName("res.topk"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.sourceSetName("res-"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("D4"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("a"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("a..b"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("a--b"));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("1abc"));
        assertTrue(assertThrows(InvalidIdException.class, () -> NeuronpediaIds.modelId("a".repeat(33)))
                .getMessage()
                .contains("33 characters"));
        assertEquals(32, NeuronpediaIds.modelId("a".repeat(32)).length());
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.index(10_000_001));
        assertThrows(InvalidIdException.class, () -> NeuronpediaIds.layerOf("x-res"));
    }
}

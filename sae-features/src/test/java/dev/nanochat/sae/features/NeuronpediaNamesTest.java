package dev.nanochat.sae.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NeuronpediaNamesTest {
    @Test
    void namesAreLegalNeuronpediaIds() {
        assertEquals("d2-000600", NeuronpediaNames.modelId("d2-000600"));
        assertEquals(1, NeuronpediaNames.layer("blocks.1.hook_resid_post"));
        assertEquals(0, NeuronpediaNames.layer("embed"));
        assertEquals("res-demo-topk", NeuronpediaNames.setName("res", "demo_TopK"));
        assertEquals("res-8x-topk", NeuronpediaNames.setName("res", "8x--topk-"));
        assertEquals("1-res-run-a", NeuronpediaNames.sourceId("blocks.1.hook_resid_post", "res", "run:a"));
        // Every derived id passes SaeSource's validation.
        new SaeSource(
                NeuronpediaNames.modelId("SFT_d20.000700"),
                NeuronpediaNames.sourceId("blocks.12.x", "res", "--Run 7--"),
                "blocks.12.x",
                "r",
                "c",
                "topk",
                4,
                8);
        assertEquals("sft-d20.000700", NeuronpediaNames.modelId("SFT_d20.000700"));
    }
}

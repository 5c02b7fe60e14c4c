package dev.nanochat.sae.neuronpedia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.features.ExampleContext;
import dev.nanochat.sae.features.ExampleGroup;
import dev.nanochat.sae.features.Explanation;
import dev.nanochat.sae.features.FeatureResult;
import dev.nanochat.sae.features.Histogram;
import dev.nanochat.sae.features.LogitLens;
import dev.nanochat.sae.features.Neighbour;
import dev.nanochat.sae.features.SaeSource;
import dev.nanochat.sae.features.SaeSummary;
import dev.nanochat.sae.features.TokenValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureResultsTest {
    static final SaeSource SRC =
            new SaeSource("d2-000600", "1-res-topk", "blocks.1.hook_resid_post", "r1", "r1:10", "topk", 8, 3);

    @Test
    void mapsAnalysisResultsOntoNeuronpediasFields() {
        ExampleContext top = new ExampleContext(
                1, 0, 0, new int[] {5, 6, 7}, List.of("a", " b", " c"), new float[] {0.5f, 2.5f, 1f}, 1);
        ExampleContext mid =
                new ExampleContext(2, 3, 0, new int[] {8, 9}, List.of("d", " e"), new float[] {1.2f, 0f}, 0);
        FeatureResult live = new FeatureResult(
                0,
                25,
                100,
                2.5f,
                1.1,
                List.of(
                        new ExampleGroup(ExampleGroup.Kind.TOP, -1, 2.5, -1, 1, List.of(top)),
                        new ExampleGroup(ExampleGroup.Kind.INTERVAL, 1.0, 1.5, 0.25, 3, List.of(mid))),
                new Histogram(new double[] {10, 15}, new double[] {0.5, 1.5}, 1),
                new LogitLens(
                        List.of(new TokenValue(3, " the", 1.5f)),
                        List.of(new TokenValue(4, " of", -2f)),
                        new Histogram(new double[] {1, 2, 3}, new double[] {-1, 0, 1}, 1)),
                List.of(new Neighbour(2, 0.5f)),
                List.of(new Explanation("letters", "human", null)));
        FeatureResult dead = new FeatureResult(
                1,
                0,
                100,
                0,
                0,
                List.of(),
                Histogram.empty(),
                new LogitLens(List.of(), List.of(), Histogram.empty()),
                List.of(),
                List.of());
        SaeSummary s = new SaeSummary(
                SRC, "default/train", 100, 10, 64, Histogram.empty(), 2, 0, 0, new float[] {-0.6f, -10, -10}, Map.of());
        FeatureResults sink = new FeatureResults();
        assertThrows(IllegalStateException.class, sink::dashboards, "no summary yet: the analysis is unfinished");
        sink.feature(live);
        sink.feature(dead);
        sink.summary(s);
        SaeDashboards d = sink.dashboards();
        assertEquals("1-res-topk", d.sourceId());
        assertEquals(10, d.nPromptsTotal());
        assertEquals(64, d.nTokensInPrompt());
        assertEquals(List.of(1, 2), d.deadIndexes(), "dead latent 1 and never-delivered latent 2");
        FeatureDashboard f = d.live().get(0);
        assertEquals(0.25, f.fracNonzero());
        assertEquals(List.of(" the"), f.posStr());
        assertArrayEquals(new double[] {-2}, f.negValues());
        assertArrayEquals(new double[] {10, 15}, f.freqHistHeights());
        assertArrayEquals(new int[] {2}, f.topkCosSimIndices());
        assertEquals(2, f.activations().size());
        ActivationExample t = f.activations().get(0);
        assertEquals(-1, t.binMin());
        assertEquals(-1, t.binContains());
        assertEquals(2.5, t.maxValue());
        assertEquals(1, t.maxValueTokenIndex());
        assertEquals(0.25, f.activations().get(1).binContains());
        assertEquals(List.of("letters"), f.explanations());
        assertTrue(d.features().get(1).isDead());
    }
}

package dev.nanochat.sae.neuronpedia.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.neuronpedia.FeatureDashboard;
import dev.nanochat.sae.neuronpedia.Fixtures;
import dev.nanochat.sae.neuronpedia.SaeDashboards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardReaderTest {
    final RetryPolicy fast = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), 0, d -> {});

    @Test
    void readsEveryFeatureOfAnSaeFromTheReadApi() throws Exception {
        SaeDashboards d = Fixtures.dashboards(40, 3, 10);
        try (FakeDashboardServer viz = new FakeDashboardServer(d)) {
            List<Integer> progress = new ArrayList<>();
            SaeDashboards back = new DashboardReader(new NeuronpediaClient(viz.baseUrl(), null, fast), 16)
                    .read(d.modelId(), d.sourceId(), d.hookName(), 40, "corpus/default", 40, 10, progress::add);
            assertEquals(List.of(16, 32, 40), progress);
            assertEquals(d.deadIndexes(), back.deadIndexes());
            assertEquals(d.live().size(), back.live().size());
            for (int i = 0; i < d.live().size(); i++) {
                FeatureDashboard a = d.live().get(i), b = back.live().get(i);
                assertEquals(a.index(), b.index());
                assertEquals(a.fracNonzero(), b.fracNonzero());
                assertEquals(a.posStr(), b.posStr());
                assertEquals(a.activations().size(), b.activations().size());
                assertEquals(
                        a.activations().get(1).tokens(), b.activations().get(1).tokens());
                assertArrayEquals(
                        a.activations().get(1).values(), b.activations().get(1).values());
                assertEquals(
                        a.activations().get(1).binContains(),
                        b.activations().get(1).binContains());
                assertEquals(a.explanations(), b.explanations());
            }
            NoDashboardsException e = assertThrows(NoDashboardsException.class, () -> new DashboardReader(
                            new NeuronpediaClient(viz.baseUrl(), null, fast), 16)
                    .read(d.modelId(), "3-other", d.hookName(), 40, "x", 1, 1, i -> {}));
            assertTrue(e.getMessage().contains("wait for the analysis"), e.getMessage());
        }
    }

    @Test
    void sendsTheBearerTokenAServiceGuardedReadApiRequires() throws Exception {
        SaeDashboards d = Fixtures.dashboards(250, 3, 10);
        try (FakeDashboardServer viz = new FakeDashboardServer(d).requireBearer("t0ken")) {
            List<Integer> progress = new ArrayList<>();
            // 128 asked, capped at the server's 100 per batch
            SaeDashboards back = new DashboardReader(new NeuronpediaClient(viz.baseUrl(), null, fast, "t0ken"), 128)
                    .read(d.modelId(), d.sourceId(), d.hookName(), 250, "corpus/default", 40, 10, progress::add);
            assertEquals(List.of(100, 200, 250), progress);
            assertEquals(d.live().size(), back.live().size());
            assertEquals(d.deadIndexes(), back.deadIndexes());
            NeuronpediaException e = assertThrows(NeuronpediaException.class, () -> new DashboardReader(
                            new NeuronpediaClient(viz.baseUrl(), null, fast), 16)
                    .read(d.modelId(), d.sourceId(), d.hookName(), 20, "x", 1, 1, i -> {}));
            assertTrue(e.getMessage().contains("401"), e.getMessage());
        }
    }
}

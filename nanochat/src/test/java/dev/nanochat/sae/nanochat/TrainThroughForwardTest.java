package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forward is differentiable w.r.t. GptWeights (what the demo-model trainer relies on). */
class TrainThroughForwardTest {
    @TempDir
    Path base;

    @Test
    void gradientsMatchFiniteDifferencesAndSgdLowersTheLoss() {
        ModelConfig cfg = new ModelConfig(16, 64, 1, 2, 1, 32);
        Map<String, float[]> host = ModelConfigsTest.randomWeights(cfg, 5);
        try (GptWeights w = GptWeights.fromHost(cfg, host, Device.cpu());
                Gpt gpt = new Gpt(w);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[][] data = ModelConfigsTest.randomIds(2, 9, 64, 9);
            int[] in = new int[16], out = new int[16];
            for (int b = 0; b < 2; b++)
                for (int t = 0; t < 8; t++) {
                    in[b * 8 + t] = data[b][t];
                    out[b * 8 + t] = data[b][t + 1];
                }
            NDArray ids = m.create(in, new Shape(2, 8)), targets = m.create(out, new Shape(2, 8));
            w.parameters().forEach(p -> p.setRequiresGradient(true));
            NDArray cq = w.block(0).cQ();
            float analytic;
            float loss0;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = gpt.loss(ids, targets);
                loss0 = loss.getFloat();
                gc.backward(loss);
                analytic = cq.getGradient().getFloat(3, 5);
            }
            // Cross-check one gradient element by central differences in a fresh model (fp32, h = 1e-2).
            float h = 1e-2f;
            double plus = lossWith(cfg, host, 3 * 32 + 5, h, ids, targets),
                    minus = lossWith(cfg, host, 3 * 32 + 5, -h, ids, targets);
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic, 2e-3 + 0.02 * Math.abs(numeric), "d loss / d c_q[3,5]");
            // A few SGD steps through the same forward reduce the loss.
            float last = loss0;
            for (int step = 0; step < 5; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = gpt.loss(ids, targets);
                    last = loss.getFloat();
                    gc.backward(loss);
                }
                for (NDArray p : w.parameters()) {
                    p.subi(p.getGradient().mul(0.5f));
                    p.getGradient().subi(p.getGradient());
                }
            }
            assertTrue(last < loss0, "loss " + loss0 + " → " + last);
            ModelCheckpoint saved =
                    w.save(base, "base", "d1", 5, dev.nanochat.sae.nanochat.torch.StorageType.FLOAT, null);
            assertEquals(
                    w.toHost().get("lm_head.weight")[7],
                    ModelCheckpointReader.read(saved.modelFile(), cfg).get("lm_head.weight")[7]);
        }
    }

    private static double lossWith(
            ModelConfig cfg, Map<String, float[]> host, int index, float delta, NDArray ids, NDArray targets) {
        Map<String, float[]> copy = new java.util.LinkedHashMap<>(host);
        float[] cq = copy.get("transformer.h.0.attn.c_q.weight").clone();
        cq[index] += delta;
        copy.put("transformer.h.0.attn.c_q.weight", cq);
        try (GptWeights w = GptWeights.fromHost(cfg, copy, Device.cpu());
                Gpt gpt = new Gpt(w)) {
            return gpt.loss(ids, targets).getFloat();
        }
    }

    @Test
    void randomInitFollowsNanochatsScheme() {
        ModelConfig cfg = new ModelConfig(16, 512, 2, 4, 4, 128);
        try (GptWeights w = GptWeights.randomInit(cfg, 3, Device.cpu())) {
            Map<String, float[]> host = w.toHost();
            assertEquals(0f, absMax(host.get("lm_head.weight")));
            assertEquals(0f, absMax(host.get("transformer.h.0.attn.c_proj.weight")));
            assertEquals(0f, absMax(host.get("transformer.h.1.mlp.c_proj.weight")));
            assertEquals(1.0, std(host.get("transformer.wte.weight")), 0.02);
            assertEquals(1 / Math.sqrt(128), std(host.get("transformer.h.0.attn.c_q.weight")), 0.005);
            // c_fc: fan_out 512 > fan_in 128, so min(1, √4) = 1 → σ = 1/√128
            assertEquals(1 / Math.sqrt(128), std(host.get("transformer.h.0.mlp.c_fc.weight")), 0.005);
        }
    }

    private static float absMax(float[] a) {
        float m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double std(float[] a) {
        double s = 0, s2 = 0;
        for (float v : a) {
            s += v;
            s2 += v * v;
        }
        double mean = s / a.length;
        return Math.sqrt(s2 / a.length - mean * mean);
    }
}

package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** Oracle: AdamW written out in Java doubles for loss = Σ (p - target)², gradient 2(p - target). */
    static float[] naive(
            float[] p0,
            float[] target,
            int steps,
            double lr,
            double b1,
            double b2,
            double eps,
            double wd,
            double clip) {
        double[] p = new double[p0.length], m = new double[p0.length], v = new double[p0.length];
        for (int i = 0; i < p.length; i++) p[i] = p0[i];
        for (int t = 1; t <= steps; t++) {
            double norm = 0;
            for (int i = 0; i < p.length; i++) norm += Math.pow(2 * ((float) p[i] - target[i]), 2);
            double scale = clip > 0 && Math.sqrt(norm) > clip ? clip / Math.sqrt(norm) : 1;
            for (int i = 0; i < p.length; i++) {
                double g = 2 * ((float) p[i] - target[i]) * scale;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t)), vh = v[i] / (1 - Math.pow(b2, t));
                p[i] = p[i] * (1 - lr * wd) - lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) out[i] = (float) p[i];
        return out;
    }

    @Test
    void matchesTheNaiveUpdateAndZeroesGradients() {
        check(0);
    }

    @Test
    void clipsTheGlobalGradientNormLikeTheNaiveUpdate() {
        // initial gradient norm is 2·|p0 - target| ≈ 7.3: clipping to 1 changes every update
        check(1.0);
    }

    private void check(double clip) {
        float[] p0 = {0.5f, -1.0f, 2.0f, 0.0f};
        float[] target = {1.0f, 1.0f, -1.0f, 0.25f};
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray p = base.create(p0);
            p.setRequiresGradient(true);
            NDArray tgt = base.create(target);
            try (AdamW opt = new AdamW(base, List.of(p), new double[] {2.0}, 0.9, 0.95, 1e-8, 0.1).clipGradNorm(clip)) {
                for (int s = 0; s < 5; s++) {
                    try (NDManager scope = base.newSubManager()) {
                        p.tempAttach(scope);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(p.sub(tgt).square().sum());
                        }
                        opt.step(scope, 0.05);
                        assertEquals(0f, p.getGradient().abs().sum().getFloat(), "gradient zeroed after the update");
                    }
                }
                assertEquals(5, opt.steps());
            }
            assertArrayEquals(naive(p0, target, 5, 0.1, 0.9, 0.95, 1e-8, 0.1, clip), p.toFloatArray(), 1e-5f);
            if (clip > 0)
                assertTrue(
                        Math.abs(naive(p0, target, 5, 0.1, 0.9, 0.95, 1e-8, 0.1, 0)[0] - p.toFloatArray()[0]) > 1e-3,
                        "clipping must make a difference here");
        }
    }
}

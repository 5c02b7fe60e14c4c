package dev.nanochat.sae.core.arch.batchtopk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.kernels.DeviceTraining;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.train.Adam;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written BatchTopK backward (sparse host kernels, incl. AuxK on dead latents) against a dense
 * oracle: the same loss written with DJL ops (one top-k over the flattened batch) and differentiated by
 * libtorch autograd. Every parameter's gradient must agree elementwise.
 */
class BatchTopKGradientTest {
    static final int D = 12, N = 48, ROWS = 40, K = 3;

    @ParameterizedTest(name = "dead latents: {0}")
    @ValueSource(booleans = {false, true})
    void sparseBackwardMatchesDenseAutograd(boolean withDead) {
        SaeConfig cfg = SaeConfig.builder("batchtopk", D)
                .dSae(N)
                .k(K)
                .auxK(6)
                .auxKCoefficient(0.25)
                .batchSize(ROWS)
                .seed(2)
                .build();
        BatchTopKObjective sparse = new BatchTopKObjective(cfg);
        DenseBatchTopKObjective dense = new DenseBatchTopKObjective(cfg);
        Params p = sparse.init(new Rng(2));
        Random r = new Random(5);
        for (Params.Entry e : p.entries())
            if (e.trainable())
                for (int i = 0; i < e.data().length; i++) e.data()[i] += (float) (0.05 * r.nextGaussian());
        float[] x = new float[ROWS * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        boolean[] dead = new boolean[N];
        int deadCount = 0;
        if (withDead)
            for (int i = 0; i < N; i += 3) {
                dead[i] = true;
                deadCount++;
            }
        try (Parallel par = new Parallel(2)) {
            StepContext ctx = new StepContext(0, dead, deadCount, par);
            Params g = p.zerosLikeTrainable();
            BatchResult rs = sparse.forwardBackward(p, g, x, ROWS, ctx);
            try (DeviceTraining dt = new DeviceTraining(Device.cpu(), dense, p, new Adam(p))) {
                BatchResult rd = dt.forwardBackward(p, x, ROWS, ctx);
                assertEquals(rd.loss(), rs.loss(), 1e-4 * Math.abs(rd.loss()), "loss");
                assertEquals(rd.l0(), rs.l0(), 1e-9, "l0 (B·k kept over the batch)");
                assertEquals((double) K, rs.l0(), 1e-9);
                if (withDead) assertTrue(rs.auxLoss() > 0, "AuxK exercised");
                for (Params.Entry e : g.entries()) {
                    float[] want = dt.gradient(e.name()), got = e.data();
                    double scale = 0, maxDiff = 0;
                    for (int i = 0; i < want.length; i++) {
                        scale = Math.max(scale, Math.abs(want[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
                    }
                    assertTrue(scale > 0, e.name() + " has a gradient");
                    assertTrue(
                            maxDiff <= 1e-4 * scale + 1e-6,
                            e.name() + ": max |sparse − autograd| " + maxDiff + " (scale " + scale + ")");
                }
            }
        }
    }
}

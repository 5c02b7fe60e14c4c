package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Objectives;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.arch.relu.ReluObjective;
import dev.nanochat.sae.core.kernels.DeviceTraining;
import dev.nanochat.sae.core.kernels.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The dense (autograd) path off the engine's first thread and several runs at once in one JVM: libtorch's
 * grad mode is per thread (on by default on new threads, switched off by DJL on the engine's first
 * thread) and DJL's gradient collector is one per JVM, which once made relu fail on service threads
 * and a second dense run fail beside a first. Each concurrent run must equal the same run done alone.
 */
class ConcurrentDenseTrainingTest {
    static final int D = 16, BATCH = 64, STEPS = 25;

    private static SaeConfig config(String arch) {
        return SaeConfig.builder(arch, D)
                .dSae(48)
                .k(4)
                .batchSize(BATCH)
                .learningRate(3e-3)
                .warmupSteps(3)
                .l1Coefficient(1)
                .l1WarmupSteps(5)
                .resampleInterval(0)
                .seed(7)
                .build();
    }

    /** Trains STEPS dense steps and returns W_dec (host copy). */
    private static float[] train(String arch) {
        float[] x = new SyntheticData(D, 24, 3, 0.05f, 3).batch(STEPS * BATCH);
        TrainingOptions dense = new TrainingOptions((long) STEPS * BATCH, 1, TrainingOptions.KernelPath.DENSE, "cpu");
        try (Trainer t = new Trainer(config(arch), dense)) {
            float[] buf = new float[BATCH * D];
            for (int s = 0; s < STEPS; s++) {
                System.arraycopy(x, s * BATCH * D, buf, 0, BATCH * D);
                StepMetrics m = t.step(buf, BATCH);
                assertTrue(Double.isFinite(m.loss()), arch + " loss at step " + s + ": " + m.loss());
            }
            return t.syncedParams().get("W_dec").clone();
        }
    }

    @Test
    void denseRunsTrainOnOtherThreadsAndConcurrentlyAsTheyDoAlone() throws Exception {
        List<String> archs = List.of("relu", "gated", "jumprelu", "topk", "batchtopk");
        List<float[]> alone = new ArrayList<>();
        for (String a : archs) alone.add(train(a));
        ExecutorService pool = Executors.newFixedThreadPool(archs.size());
        try {
            List<Future<float[]>> together = new ArrayList<>();
            for (String a : archs)
                together.add(pool.submit(() -> {
                    JniUtils.setGradMode(true); // as a fresh thread may have it: the trainer must not care
                    return train(a);
                }));
            for (int i = 0; i < archs.size(); i++) {
                float[] got = together.get(i).get();
                float[] want = alone.get(i);
                double maxDiff = 0;
                for (int j = 0; j < want.length; j++) maxDiff = Math.max(maxDiff, Math.abs(want[j] - got[j]));
                assertTrue(maxDiff < 1e-5, archs.get(i) + ": concurrent run differs from the run alone by " + maxDiff);
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(JniUtils.isGradMode(), "the test thread's grad mode is restored after training");
    }

    /**
     * The forwards' scalar operands are device arrays made once, not one per op and step: after the
     * first step of each architecture the count stays put over further steps, also while a warm-up
     * moves the sparsity coefficient every step (its one scalar is replaced, not added).
     */
    @Test
    void forwardScalarsAreMadeOncePerRunNotPerStep() {
        float[] x = new SyntheticData(D, 24, 3, 0.05f, 3).batch(BATCH);
        for (String arch : List.of("topk", "batchtopk", "relu", "gated", "jumprelu")) {
            SaeConfig cfg = config(arch);
            DenseObjective objective = (DenseObjective)
                    Objectives.create(cfg, new TrainingOptions(0, 0, TrainingOptions.KernelPath.DENSE, "cpu"));
            Params p = objective.init(new Rng(1));
            boolean[] dead = new boolean[cfg.dSae()];
            dead[0] = dead[1] = true; // AuxK's scalars too
            try (Parallel par = new Parallel(1);
                    DeviceTraining dt = new DeviceTraining(Device.cpu(), objective, p, new Adam(p))) {
                dt.forwardBackward(objective, p, x, BATCH, new StepContext(0.1, dead, 2, par));
                int afterFirst = dt.deviceScalarCount();
                assertTrue(afterFirst > 0, arch + ": the forward takes its scalars from the device cache");
                for (int s = 2; s <= 6; s++)
                    dt.forwardBackward(objective, p, x, BATCH, new StepContext(0.1 * s, dead, 2, par));
                assertEquals(afterFirst, dt.deviceScalarCount(), arch + ": scalars after 6 steps");
            }
        }
    }

    /** A NaN left in .grad by a failed backward must not leak into the next step (g − g would keep it). */
    @Test
    void gradientsAreZeroedBeforeEveryBackwardEvenAfterNaN() {
        SaeConfig cfg = config("relu");
        ReluObjective relu = new ReluObjective(cfg);
        Params p = relu.init(new Rng(1));
        float[] good = new SyntheticData(D, 24, 3, 0.05f, 3).batch(BATCH);
        float[] bad = good.clone();
        bad[5] = Float.NaN;
        try (Parallel par = new Parallel(1)) {
            StepContext ctx = new StepContext(0.5, new boolean[48], 0, par);
            float[] fresh;
            try (DeviceTraining dt = new DeviceTraining(Device.cpu(), p, new Adam(p))) {
                dt.forwardBackward(relu, p, good, BATCH, ctx);
                fresh = dt.gradient("enc");
            }
            try (DeviceTraining dt = new DeviceTraining(Device.cpu(), p, new Adam(p))) {
                dt.forwardBackward(relu, p, bad, BATCH, ctx);
                assertTrue(
                        Float.isNaN(dt.gradient("enc")[0]) || hasNaN(dt.gradient("enc")),
                        "NaN input poisons the gradient");
                dt.forwardBackward(relu, p, good, BATCH, ctx);
                assertArrayEquals(fresh, dt.gradient("enc"), "gradient after a NaN step equals a fresh one");
                assertEquals(fresh.length, (long) 48 * D);
            }
        }
    }

    private static boolean hasNaN(float[] a) {
        for (float v : a) if (Float.isNaN(v)) return true;
        return false;
    }
}

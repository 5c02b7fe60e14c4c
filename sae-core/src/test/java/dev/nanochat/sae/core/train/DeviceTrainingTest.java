package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.BatchResult;
import dev.nanochat.sae.core.arch.DenseObjective;
import dev.nanochat.sae.core.arch.Params;
import dev.nanochat.sae.core.arch.SparseObjective;
import dev.nanochat.sae.core.arch.StepContext;
import dev.nanochat.sae.core.arch.batchtopk.BatchTopKObjective;
import dev.nanochat.sae.core.arch.batchtopk.DenseBatchTopKObjective;
import dev.nanochat.sae.core.arch.topk.DenseTopKObjective;
import dev.nanochat.sae.core.arch.topk.TopKObjective;
import dev.nanochat.sae.core.kernels.DeviceTraining;
import dev.nanochat.sae.core.kernels.Parallel;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device-resident dense path, exercised on Device.cpu() (the same code a GPU run takes): it trains,
 * checkpoints from device to host floats and resumes exactly; AUTO/SPARSE resolve per device; an
 * invisible GPU fails fast; and dense TopK/BatchTopK (incl. AuxK) compute the sparse path's loss.
 */
class DeviceTrainingTest {
    static final int D = 24, ROWS = 600, BATCH = 64, N = 10;

    private static SaeConfig config(String arch) {
        return SaeConfig.builder(arch, D)
                .dSae(96)
                .k(4)
                .batchSize(BATCH)
                .learningRate(3e-3)
                .warmupSteps(3)
                .deadWindowTokens(3 * BATCH)
                .resampleInterval(5)
                .l1WarmupSteps(4)
                .l1Coefficient(0.5)
                .seed(5)
                .build();
    }

    private static TrainingOptions denseCpu() {
        return new TrainingOptions(2L * N * BATCH, 0, TrainingOptions.KernelPath.DENSE, "cpu");
    }

    private static StepMetrics run(Trainer t, ArrayActivationSource src, int steps) {
        float[] buf = new float[BATCH * D];
        StepMetrics last = null;
        for (int s = 0; s < steps; s++) last = t.step(buf, src.next(buf, BATCH));
        return last;
    }

    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk", "relu", "gated", "jumprelu"})
    void denseOnCpuTrainsAndResumesExactly(String arch, @TempDir Path dir) {
        float[] x = new SyntheticData(D, 40, 3, 0.05f, 9).batch(ROWS);
        Params full;
        double firstFvu, lastFvu;
        try (Trainer t = new Trainer(config(arch), denseCpu())) {
            assertEquals(Device.cpu(), t.device());
            assertTrue(t.engineDescription().startsWith("device cpu(); dense path"), t.engineDescription());
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            firstFvu = run(t, src, 1).fvu();
            lastFvu = run(t, src, 2 * N - 1).fvu();
            full = t.syncedParams();
        }
        assertTrue(
                lastFvu < 0.8 * firstFvu, arch + ": fvu " + firstFvu + " → " + lastFvu + " (dense path did not learn)");
        Path ckpt = dir.resolve("ckpt");
        try (Trainer t = new Trainer(config(arch), denseCpu())) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            run(t, src, N);
            t.checkpoint(ckpt, src.position());
        }
        try (Trainer t = Trainer.resume(ckpt, "cpu")) {
            assertEquals("cpu", t.options().device());
            assertEquals(TrainingOptions.KernelPath.DENSE, t.options().kernelPath());
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            src.seek(t.sourcePosition());
            run(t, src, N);
            double maxDiff = 0;
            for (Params.Entry e : full.entries()) {
                float[] a = e.data(), b = t.syncedParams().get(e.name());
                for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxDiff < 1e-6, arch + ": max abs diff after resume " + maxDiff);
            assertTrue(t.syncedParams().get("W_dec")[0] != 0f);
        }
    }

    /**
     * Resume with read-backs every 4th step, checkpointed after step 7 (between reads, so fired counts
     * are pending on the device and the host's last-fired record lags): the resumed run ends bit-identical
     * to the uninterrupted one in every parameter (BatchTopK's running threshold too), in the latent
     * activity record, and in the final step's metrics.
     */
    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk", "relu", "gated", "jumprelu"})
    void denseResumeBetweenReadBacksIsExact(String arch, @TempDir Path dir) {
        float[] x = new SyntheticData(D, 40, 3, 0.05f, 9).batch(ROWS);
        TrainingOptions opts = denseCpu().withMetricsEvery(4);
        Params full;
        StepMetrics fullLast;
        long[][] fullActivity, fullAt9;
        try (Trainer t = new Trainer(config(arch), opts)) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            run(t, src, 9);
            fullAt9 = activity(t); // step 9 closed an activity window: it holds the counts pending at step 7
            fullLast = run(t, src, 2 * N - 9);
            full = t.syncedParams();
            fullActivity = activity(t);
        }
        Path ckpt = dir.resolve("ckpt");
        try (Trainer t = new Trainer(config(arch), opts)) {
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            run(t, src, 7);
            assertTrue(t.lastMeasuredStep() < 7, "step 7 read nothing back: " + t.lastMeasuredStep());
            t.checkpoint(ckpt, src.position());
        }
        try (Trainer t = Trainer.resume(ckpt, "cpu")) {
            assertEquals(4, t.options().metricsEvery(), "metrics_every is kept across the resume");
            ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
            src.seek(t.sourcePosition());
            run(t, src, 2);
            long[][] at9 = activity(t);
            for (int i = 0; i < at9.length; i++)
                assertTrue(java.util.Arrays.equals(fullAt9[i], at9[i]), arch + ": activity array " + i + " at step 9");
            StepMetrics last = run(t, src, 2 * N - 9);
            for (Params.Entry e : full.entries())
                assertTrue(
                        java.util.Arrays.equals(e.data(), t.syncedParams().get(e.name())),
                        arch + ": " + e.name() + " differs after resume");
            long[][] resumed = activity(t);
            for (int i = 0; i < resumed.length; i++)
                assertTrue(java.util.Arrays.equals(fullActivity[i], resumed[i]), arch + ": activity array " + i);
            assertEquals(fullLast.loss(), last.loss(), arch + " final loss");
            assertEquals(fullLast.l0(), last.l0(), arch + " final L0");
            assertEquals(fullLast.deadFraction(), last.deadFraction(), arch + " final dead fraction");
        }
    }

    private static long[][] activity(Trainer t) {
        t.syncedParams(); // drains what the device added up since the last read
        LatentActivity a = t.activity;
        return new long[][] {a.lastFired.clone(), a.windowCounts.clone(), a.lastWindowCounts.clone(), a.pending.clone()
        };
    }

    @Test
    void gpuRequestFailsFastWhenDjlSeesNone() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible here");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new Trainer(config("topk"), TrainingOptions.defaults(0, "gpu")));
        assertTrue(e.getMessage().contains("device 'gpu:0' requested"), e.getMessage());
        assertTrue(e.getMessage().contains("found devices [cpu()] and no CUDA GPU"), e.getMessage());
        assertTrue(e.getMessage().contains(Engine.getInstance().getVersion()), e.getMessage());
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> TrainingOptions.defaults(0, "tpu"));
        assertEquals("device must be 'cpu', 'gpu' or 'gpu:N' (N ≥ 0), got 'tpu'", bad.getMessage());
    }

    @Test
    void kernelPathResolvesPerDevice() {
        assertEquals(
                TrainingOptions.KernelPath.SPARSE, TrainingOptions.defaults(0).effectiveKernelPath());
        assertEquals(
                TrainingOptions.KernelPath.DENSE,
                TrainingOptions.defaults(0, "gpu").effectiveKernelPath());
        assertEquals("gpu:1", TrainingOptions.defaults(0, " GPU:1 ").device());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TrainingOptions(0, 0, TrainingOptions.KernelPath.SPARSE, "gpu").effectiveKernelPath());
        assertTrue(
                e.getMessage().contains("SPARSE runs Java kernels over host memory and cannot train on gpu:0"),
                e.getMessage());
        try (Trainer t = new Trainer(config("topk"), TrainingOptions.defaults(0))) {
            assertTrue(t.engineDescription().startsWith("device cpu(); sparse path"), t.engineDescription());
        }
    }

    /** Same params, batch and dead set: dense TopK (autograd) and sparse TopK (hand-written) agree on mse, aux and L0. */
    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk"})
    void denseMatchesSparseObjective(String arch) {
        SaeConfig cfg = SaeConfig.builder(arch, D)
                .dSae(96)
                .k(4)
                .auxK(8)
                .auxKCoefficient(0.25)
                .batchSize(BATCH)
                .seed(3)
                .build();
        SparseObjective sparse = arch.equals("topk") ? new TopKObjective(cfg) : new BatchTopKObjective(cfg);
        DenseObjective dense = arch.equals("topk") ? new DenseTopKObjective(cfg) : new DenseBatchTopKObjective(cfg);
        Params p = sparse.init(new Rng(3));
        float[] bDec = p.get("b_dec");
        for (int j = 0; j < D; j++) bDec[j] = 0.3f;
        float[] x = new SyntheticData(D, 40, 3, 0.05f, 9).batch(BATCH);
        boolean[] dead = new boolean[96];
        for (int i = 0; i < dead.length; i += 3) dead[i] = true;
        BatchResult rs, rd;
        try (Parallel par = new Parallel(1)) {
            StepContext ctx = new StepContext(0, dead, LatentActivity.count(dead), par);
            rs = sparse.forwardBackward(p, p.zerosLikeTrainable(), x, BATCH, ctx);
            try (DeviceTraining dt = new DeviceTraining(Device.cpu(), p, new Adam(p))) {
                rd = dt.forwardBackward(dense, p, x, BATCH, ctx);
            }
        }
        assertTrue(rs.auxLoss() > 0.01, "aux term exercised: " + rs.auxLoss());
        assertEquals(rs.sqErrSum(), rd.sqErrSum(), 1e-4 * rs.sqErrSum(), "Σ‖x − x̂‖²");
        assertEquals(rs.auxLoss(), rd.auxLoss(), 1e-4 * rs.auxLoss(), "aux loss");
        assertEquals(rs.loss(), rd.loss(), 1e-4 * rs.loss(), "loss");
        assertEquals(rs.l0(), rd.l0(), 1e-9, "l0");
        if (arch.equals("batchtopk")) assertEquals(rs.minActive(), rd.minActive(), 1e-6, "smallest kept activation");
    }

    /**
     * Reading back every 4th step only (the GPU mode) changes nothing about training: with grad clipping
     * on (norm and factor computed on the device) and off, every parameter is bit-identical to a run that
     * reads every step, although latents die in between reads (the device masks them from its own record
     * of when each last fired; the host's lags). Measured steps (every 4th, the first and last, before
     * resampling, when the 3-step activity window closes) report the same loss, L0 and dead fraction;
     * steps in between repeat the latest measured values.
     */
    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk", "relu", "gated", "jumprelu"})
    void metricsEveryNTrainsTheSameWeights(String arch) {
        float[] x = new SyntheticData(D, 40, 3, 0.05f, 9).batch(ROWS);
        for (double clipNorm : new double[] {0, 0.5}) {
            SaeConfig cfg = config(arch).toBuilder().gradClipNorm(clipNorm).build();
            StepMetrics[] every = new StepMetrics[2 * N], sparse = new StepMetrics[2 * N];
            boolean[] everyFresh = new boolean[2 * N], sparseFresh = new boolean[2 * N];
            Params a, b;
            try (Trainer t = new Trainer(cfg, denseCpu().withMetricsEvery(1))) {
                a = trainRecording(t, x, every, everyFresh);
            }
            try (Trainer t = new Trainer(cfg, denseCpu().withMetricsEvery(4))) {
                b = trainRecording(t, x, sparse, sparseFresh);
            }
            for (Params.Entry e : a.entries())
                assertTrue(
                        java.util.Arrays.equals(e.data(), b.get(e.name())),
                        arch + " clip " + clipNorm + ": " + e.name() + " differs");
            double maxDead = 0;
            int unmeasured = 0;
            for (int s = 0; s < 2 * N; s++) {
                boolean resamples = arch.equals("relu") || arch.equals("gated");
                boolean measured = s == 0
                        || (s + 1) % 4 == 0
                        || (s + 1) % 3 == 0 // the dead window is 3 batches
                        || (resamples && (s + 1) % cfg.resampleInterval() == 0)
                        || s == 2 * N - 1;
                maxDead = Math.max(maxDead, every[s].deadFraction());
                // Trainer.lastMeasuredStep tells fresh metrics from repeated ones (the trainer's progress records).
                assertTrue(everyFresh[s], arch + " step " + s + " measured when metrics_every = 1");
                assertEquals(measured, sparseFresh[s], arch + " step " + s + " fresh");
                if (measured) {
                    assertEquals(every[s].loss(), sparse[s].loss(), arch + " step " + s + " loss");
                    assertEquals(every[s].gradNorm(), sparse[s].gradNorm(), arch + " step " + s + " grad norm");
                    assertEquals(every[s].l0(), sparse[s].l0(), arch + " step " + s + " l0");
                    assertEquals(every[s].deadFraction(), sparse[s].deadFraction(), arch + " step " + s + " dead");
                } else {
                    unmeasured++;
                    assertEquals(
                            sparse[s - 1].loss(), sparse[s].loss(), arch + " step " + s + " repeats the measured loss");
                    assertEquals(sparse[s - 1].l0(), sparse[s].l0(), arch + " step " + s + " repeats L0");
                }
            }
            assertTrue(unmeasured >= 5, arch + ": steps without a read-back: " + unmeasured);
            if (arch.contains("topk")) // the architectures whose loss uses the dead mask (AuxK)
            assertTrue(maxDead > 0, arch + ": latents die during the run (max dead fraction " + maxDead + ")");
            assertTrue(every[1].loss() != every[0].loss(), "the loss moves between steps");
        }
    }

    private static Params trainRecording(Trainer t, float[] x, StepMetrics[] out, boolean[] fresh) {
        ArrayActivationSource src = new ArrayActivationSource(x, ROWS, D, 1, true, 0);
        float[] buf = new float[BATCH * D];
        for (int s = 0; s < out.length; s++) {
            out[s] = t.step(buf, src.next(buf, BATCH));
            fresh[s] = t.lastMeasuredStep() == out[s].step();
        }
        return t.syncedParams();
    }
}

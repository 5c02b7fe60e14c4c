package dev.nanochat.sae.core.arch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.nanochat.sae.core.Rng;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.arch.gated.GatedObjective;
import dev.nanochat.sae.core.arch.jumprelu.JumpReluObjective;
import dev.nanochat.sae.core.arch.relu.ReluObjective;
import dev.nanochat.sae.core.kernels.DeviceTraining;
import dev.nanochat.sae.core.kernels.Parallel;
import dev.nanochat.sae.core.train.Adam;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dense path's gradients (libtorch autograd through our forward, as DeviceTraining runs it) against
 * central finite differences of the same loss. Checked where the loss is differentiable as written:
 * relu everywhere; gated on the gate/magnitude parameters (its aux term stops gradients into W_dec and
 * b_dec on purpose, so finite differences of the total loss differ there); jumprelu on encoder and decoder
 * (log_threshold gets the paper's straight-through pseudo-derivative, which no finite difference matches),
 * with a small threshold and no L0 term so a perturbation crossing the step moves the loss negligibly.
 */
class DenseGradientTest {
    static final int D = 8, N = 16, ROWS = 32;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "relu, enc b_enc W_dec b_dec, 0.3",
        "gated, enc b_gate r_mag b_mag, 0.3",
        "jumprelu, enc b_enc W_dec b_dec, 0"
    })
    void autogradMatchesFiniteDifferences(String arch, String names, double sparsity) {
        SaeConfig cfg = SaeConfig.builder(arch, D)
                .dSae(N)
                .batchSize(ROWS)
                .l1Coefficient(sparsity)
                .jumpReluInitThreshold(1e-4)
                .jumpReluBandwidth(0.05)
                .seed(4)
                .build();
        DenseObjective obj =
                switch (arch) {
                    case "relu" -> new ReluObjective(cfg);
                    case "gated" -> new GatedObjective(cfg);
                    default -> new JumpReluObjective(cfg);
                };
        Params p = obj.init(new Rng(4));
        Random r = new Random(9);
        for (Params.Entry e : p.entries())
            if (!e.name().equals("log_threshold"))
                for (int i = 0; i < e.data().length; i++) e.data()[i] += (float) (0.1 * r.nextGaussian());
        float[] x = new float[ROWS * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        try (Parallel par = new Parallel(1)) {
            StepContext ctx = new StepContext(cfg.l1Coefficient(), new boolean[N], 0, par);
            for (String name : List.of(names.trim().split("\\s+"))) {
                float[] grad = gradient(obj, p, x, ctx, name);
                float[] w = p.get(name);
                for (int t = 0; t < 6; t++) {
                    int i = r.nextInt(w.length);
                    float h = 1e-2f, keep = w[i];
                    w[i] = keep + h;
                    double up = loss(obj, p, x, ctx);
                    w[i] = keep - h;
                    double down = loss(obj, p, x, ctx);
                    w[i] = keep;
                    double fd = (up - down) / (2 * h);
                    double tol = 0.03 * Math.abs(fd) + 2e-3;
                    assertTrue(
                            Math.abs(fd - grad[i]) <= tol,
                            arch + " ∂loss/∂" + name + "[" + i + "]: autograd " + grad[i] + " vs finite difference "
                                    + fd);
                }
            }
        }
    }

    private static float[] gradient(DenseObjective obj, Params p, float[] x, StepContext ctx, String name) {
        try (DeviceTraining dt = new DeviceTraining(Device.cpu(), obj, p, new Adam(p))) {
            dt.forwardBackward(p, x, ROWS, ctx);
            return dt.gradient(name);
        }
    }

    private static double loss(DenseObjective obj, Params p, float[] x, StepContext ctx) {
        try (DeviceTraining dt = new DeviceTraining(Device.cpu(), obj, p, new Adam(p))) {
            return dt.forwardBackward(p, x, ROWS, ctx).loss();
        }
    }
}

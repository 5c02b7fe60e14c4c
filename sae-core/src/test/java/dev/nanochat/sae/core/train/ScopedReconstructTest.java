package dev.nanochat.sae.core.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.nanochat.sae.core.Sae;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.SaeRegistry;
import dev.nanochat.sae.core.io.HostTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression: nanochat's Gpt.forward runs inside a DJL {@link NDScope}, which closes every array created
 * while it is open. The SAE's device weights are created on first use, so a first use inside a splice must
 * not hand them to that scope — the next forward would fail with "Native resource has been released".
 */
class ScopedReconstructTest {
    static final int D = 3;

    /** d_sae = 2·d_in, W_enc = [I, −I], W_dec = [I; −I], b = 0: ReLU(x) − ReLU(−x) = x exactly. */
    static Sae identitySae() {
        float[] wEnc = new float[D * 2 * D];
        float[] wDec = new float[2 * D * D];
        for (int i = 0; i < D; i++) {
            wEnc[i * 2 * D + i] = 1f;
            wEnc[i * 2 * D + D + i] = -1f;
            wDec[i * D + i] = 1f;
            wDec[(D + i) * D + i] = -1f;
        }
        SaeConfig cfg = SaeConfig.builder("relu", D).dSae(2 * D).build();
        return SaeRegistry.create(
                "standard",
                cfg,
                Map.of(
                        "W_enc", new HostTensor(new long[] {D, 2 * D}, wEnc),
                        "b_enc", new HostTensor(new long[] {2 * D}, new float[2 * D]),
                        "W_dec", new HostTensor(new long[] {2 * D, D}, wDec),
                        "b_dec", new HostTensor(new long[] {D}, new float[D])));
    }

    @Test
    void weightsCreatedInsideAScopeSurviveIt() {
        float[] x = {1.5f, -2f, 0.25f, -0.5f, 0f, 3f};
        try (Sae sae = identitySae();
                NDManager m = NDManager.newBaseManager()) {
            try (NDScope ignored = new NDScope()) {
                NDArray first = sae.reconstruct(m.create(x, new Shape(2, D)));
                assertArrayEquals(x, first.toFloatArray(), 1e-6f, "first (lazy) use inside the scope");
            }
            // The scope closed everything registered while it was open; the SAE's weights must not be among them.
            NDArray again = sae.reconstruct(m.create(x, new Shape(1, 2, D)));
            assertArrayEquals(x, again.toFloatArray(), 1e-6f, "second use after the scope closed");
            assertEquals(new Shape(1, 2, D), again.getShape());
            try (NDScope ignored = new NDScope()) {
                assertArrayEquals(
                        x,
                        sae.reconstruct(m.create(x, new Shape(2, D))).toFloatArray(),
                        1e-6f,
                        "use inside a second scope");
            }
            assertArrayEquals(x, sae.reconstruct(x, 2), 1e-6f, "host path after two scopes");
        }
    }

    @Test
    void outputCreatedInsideAScopeIsStillReleasedByIt() {
        // The fix must only exempt the SAE's own weights: the reconstruction belongs to the caller's scope.
        try (Sae sae = identitySae();
                NDManager m = NDManager.newBaseManager()) {
            NDArray out;
            try (NDScope ignored = new NDScope()) {
                out = sae.reconstruct(m.create(new float[] {1f, 2f, 3f}, new Shape(1, D)));
            }
            assertTrue(out.isReleased(), "reconstruction created in the scope is released with it");
        }
    }

    @Test
    void weightsAreCreatedOnTheActivationsDevice() {
        // A splice into a model on a GPU must get GPU weights; on this machine the same code path is taken
        // with an explicit Device.cpu() manager: the weights follow the activation, not DJL's default.
        float[] x = {1.5f, -2f, 0.25f};
        try (Sae sae = identitySae();
                NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray out = sae.reconstruct(m.create(x, new Shape(1, D)));
            assertEquals(ai.djl.Device.cpu(), out.getDevice());
            assertEquals(java.util.Set.of(ai.djl.Device.cpu()), ((dev.nanochat.sae.core.SaeModel) sae).weightDevices());
            assertArrayEquals(x, out.toFloatArray(), 1e-6f);
        }
    }
}

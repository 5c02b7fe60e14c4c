package dev.nanochat.sae.core;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.train.Trainer;
import dev.nanochat.sae.core.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Activation files: [N,d] and [B,T,d] accepted; bad input fails with the file, tensor and row named. */
class ActivationTensorTest {
    @TempDir
    Path dir;

    private Path write(String name, long[] shape, float[] data) {
        Path f = dir.resolve(name);
        new Safetensors.Writer().f32("acts", shape, data).write(f);
        return f;
    }

    @Test
    void flattensBatchTimeDims() {
        float[] x = new float[2 * 3 * 4];
        for (int i = 0; i < x.length; i++) x[i] = i;
        ActivationTensor a = ActivationTensor.read(write("a.safetensors", new long[] {2, 3, 4}, x), "acts", 4);
        assertEquals(6, a.rows());
        assertEquals(4, a.dIn());
        assertArrayEquals(x, a.data());
    }

    @Test
    void rejectsBadInput() throws Exception {
        float[] x = new float[8 * 4];
        x[5 * 4 + 2] = Float.NaN;
        Path nan = write("nan.safetensors", new long[] {8, 4}, x);
        var e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(nan, "acts", 0));
        assertTrue(e.getMessage().contains("row 5") && e.getMessage().contains("NaN"), e.getMessage());
        x[5 * 4 + 2] = Float.POSITIVE_INFINITY;
        Path inf = write("inf.safetensors", new long[] {8, 4}, x);
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(inf, "acts", 0));
        assertTrue(e.getMessage().contains("row 5"), e.getMessage());
        Path ok = write("ok.safetensors", new long[] {8, 4}, new float[32]);
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(ok, "acts", 16));
        assertTrue(e.getMessage().contains("d_in=4") && e.getMessage().contains("d_in=16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(ok, "resid", 0));
        assertTrue(e.getMessage().contains("'resid'") && e.getMessage().contains("acts"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(empty, "acts", 0));
        byte[] full = Files.readAllBytes(ok);
        Path truncated = Files.write(dir.resolve("trunc.safetensors"), java.util.Arrays.copyOf(full, full.length - 9));
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(truncated, "acts", 0));
        assertTrue(e.getMessage().contains("trunc.safetensors"), e.getMessage());
        Path zeroRows = write("zero.safetensors", new long[] {0, 4}, new float[0]);
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTensor.read(zeroRows, "acts", 0));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ActivationTensor.read(dir.resolve("missing.safetensors"), "acts", 0));
    }

    @Test
    void trainerRejectsNanBatches() {
        try (Trainer t = new Trainer(SaeConfig.builder("topk", 4).dSae(8).k(2).build(), TrainingOptions.defaults(0))) {
            float[] x = new float[3 * 4];
            x[2 * 4 + 1] = Float.NaN;
            var e = assertThrows(IllegalArgumentException.class, () -> t.step(x, 3));
            assertTrue(e.getMessage().contains("row 2"), e.getMessage());
            assertEquals(0, t.tokensSeen());
        }
    }
}

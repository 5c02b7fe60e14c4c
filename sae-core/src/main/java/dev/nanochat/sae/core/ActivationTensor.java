package dev.nanochat.sae.core;

import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.core.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Activations read from a safetensors file: tensor [N, d] or [B, T, d] flattened to rows × d (F32, F16
 * or BF16, widened to float in Java). Validation fails fast with the file, tensor, shape and the first
 * offending row: missing/empty/truncated files, unknown tensor names (listing the present ones), wrong
 * rank, zero rows, NaN/Inf values, and a d_in that differs from the expected one. {@code metadata} is the
 * file's {@code __metadata__} ({@code sae nanochat activations} writes hook_name, model_id, context_size).
 */
public record ActivationTensor(
        Path file, String tensor, int rows, int dIn, float[] data, Map<String, String> metadata) {
    /** Reads and validates; expectedDIn ≤ 0 accepts any width. */
    public static ActivationTensor read(Path file, String tensor, int expectedDIn) {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("activations file " + file + " does not exist");
        SafetensorsFile st = Safetensors.read(file);
        if (!st.has(tensor))
            throw new IllegalArgumentException(file + ": no tensor '" + tensor + "' (present: " + st.names() + ")");
        long[] shape = st.info(tensor).shape();
        if (shape.length != 2 && shape.length != 3)
            throw new IllegalArgumentException(file + ": tensor '" + tensor + "' has shape " + Arrays.toString(shape)
                    + "; expected [N, d] or [B, T, d]");
        long d = shape[shape.length - 1];
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) rows *= shape[i];
        if (rows == 0 || d == 0)
            throw new IllegalArgumentException(
                    file + ": tensor '" + tensor + "' is empty, shape " + Arrays.toString(shape));
        if (rows * d > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(
                    file + ": tensor '" + tensor + "' " + Arrays.toString(shape) + " is too large to load at once");
        if (expectedDIn > 0 && d != expectedDIn)
            throw new IllegalArgumentException(file + ": tensor '" + tensor + "' has d_in=" + d + " (shape "
                    + Arrays.toString(shape) + ") but the SAE expects d_in=" + expectedDIn);
        float[] data = st.floats(tensor);
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i]))
                throw new IllegalArgumentException(file + ": tensor '" + tensor + "' row " + (i / d) + " contains "
                        + data[i] + " (NaN/Inf activations are rejected)");
        }
        return new ActivationTensor(file, tensor, (int) rows, (int) d, data, Map.copyOf(st.metadata()));
    }
}

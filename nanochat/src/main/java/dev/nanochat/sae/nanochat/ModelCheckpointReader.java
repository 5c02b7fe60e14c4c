package dev.nanochat.sae.nanochat;

import dev.nanochat.sae.nanochat.torch.TensorRef;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a nanochat model_*.pt into fp32 arrays keyed by state dict name, checked against the meta
 * config: every expected key present with its exact shape, no unknown keys (a mismatch means the
 * meta file and the weights disagree, which must not load silently). bf16/half upcast in Java.
 */
public final class ModelCheckpointReader {
    private ModelCheckpointReader() {}

    /** key → fp32 values (row-major in {@link StateDictLayout#shapes}), in nanochat's key order. */
    public static Map<String, float[]> read(Path modelFile, ModelConfig config) {
        Map<String, long[]> expected = StateDictLayout.shapes(config);
        try (TorchArchive archive = TorchArchive.open(modelFile)) {
            Map<String, TensorRef> refs = new LinkedHashMap<>();
            archive.stateDict().forEach((k, v) -> refs.put(StateDictLayout.stripCompilePrefix(k), v));
            for (String k : refs.keySet()) {
                if (!expected.containsKey(k)) {
                    throw new IllegalArgumentException(modelFile + ": unexpected key '" + k + "' for config " + config);
                }
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                TensorRef ref = refs.get(e.getKey());
                if (ref == null)
                    throw new IllegalArgumentException(
                            modelFile + ": missing key '" + e.getKey() + "' for config " + config);
                if (!Arrays.equals(ref.shape(), e.getValue())) {
                    throw new IllegalArgumentException(
                            modelFile + ": key '" + e.getKey() + "' has shape " + Arrays.toString(ref.shape())
                                    + " but config " + config + " needs " + Arrays.toString(e.getValue()));
                }
                out.put(e.getKey(), archive.floats(e.getKey(), ref));
            }
            return out;
        }
    }
}

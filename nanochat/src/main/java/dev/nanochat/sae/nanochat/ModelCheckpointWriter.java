package dev.nanochat.sae.nanochat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanochat.sae.nanochat.torch.StorageType;
import dev.nanochat.sae.nanochat.torch.TorchArchiveWriter;
import dev.nanochat.sae.nanochat.torch.TorchTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a checkpoint nanochat's `load_model` reads: `<base>/<source dir>/<tag>/model_<step:06d>.pt`
 * (torch.save of the state dict) and `meta_<step:06d>.json` ({step, val_bpb, model_config,
 * user_config, device_batch_size, max_seq_len}, indented like nanochat's json.dump(indent=2)).
 */
public final class ModelCheckpointWriter {
    private ModelCheckpointWriter() {}

    /**
     * @param weights   key → fp32 values, shapes from {@link StateDictLayout}
     * @param embedding storage type of `transformer.wte.weight` (nanochat keeps it bf16 on GPU)
     * @param meta      extra meta fields (user_config, val_bpb, ...); may be null
     */
    public static ModelCheckpoint write(
            Path baseDir,
            String source,
            String tag,
            int step,
            ModelConfig config,
            Map<String, float[]> weights,
            StorageType embedding,
            ObjectNode meta) {
        Map<String, long[]> shapes = StateDictLayout.shapes(config);
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] data = weights.get(e.getKey());
            if (data == null)
                throw new IllegalArgumentException("cannot write checkpoint: missing weight '" + e.getKey() + "'");
            StorageType type = e.getKey().equals("transformer.wte.weight") ? embedding : StorageType.FLOAT;
            try {
                state.put(e.getKey(), TorchTensor.of(type, e.getValue(), data));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' (expected "
                        + Arrays.toString(e.getValue()) + "): " + ex.getMessage());
            }
        }
        Path dir = baseDir.resolve(ModelCheckpoints.sourceDir(source)).resolve(tag);
        String suffix = String.format("%06d", step);
        Path model = dir.resolve("model_" + suffix + ".pt");
        Path metaFile = dir.resolve("meta_" + suffix + ".json");
        TorchArchiveWriter.writeStateDict(model, state);
        writeMeta(metaFile, step, config, meta);
        return new ModelCheckpoint(baseDir, source, tag, step, model, metaFile, config);
    }

    public static void writeMeta(Path metaFile, int step, ModelConfig config, ObjectNode extra) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("step", step);
        root.putNull("val_bpb");
        root.set("model_config", config.toJson());
        root.set("user_config", JsonNodeFactory.instance.objectNode());
        root.put("device_batch_size", 1);
        root.put("max_seq_len", config.sequenceLen());
        if (extra != null) root.setAll(extra);
        try {
            Files.createDirectories(metaFile.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(metaFile.toAbsolutePath().getParent(), ".meta", ".tmp");
            byte[] json = new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(root);
            Files.write(tmp, json);
            dev.nanochat.sae.nanochat.torch.FileModes.worldReadable(tmp);
            Files.move(tmp, metaFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + metaFile + ": " + e.getMessage(), e);
        }
    }
}

package dev.nanochat.sae.viz.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.core.io.SaeLensFolder;
import dev.nanochat.sae.core.io.Safetensors;
import dev.nanochat.sae.runtime.AttachedSae;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Neuronpedia ids of SAELens folders: {@code metadata.neuronpedia_id} ("model/source") when cfg.json has
 * one, else (the runtime's model id, {@code <layer>-<folder name>}) — Neuronpedia's source form.
 */
public final class FolderSaeSources implements SaeSources {
    private final List<Source> sources;
    private final List<Path> folders;
    private final java.util.Map<Integer, Optional<double[]>> densities = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code folders.get(i)} is the folder SAE i of the runtime was loaded from. */
    public FolderSaeSources(String modelId, List<AttachedSae> saes, List<Path> folders) {
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < saes.size(); i++) {
            AttachedSae a = saes.get(i);
            String model = modelId,
                    source = a.hook().layer() + "-" + folders.get(i).getFileName();
            String np = neuronpediaId(folders.get(i));
            if (np != null && np.indexOf('/') > 0) {
                model = np.substring(0, np.indexOf('/'));
                source = np.substring(np.indexOf('/') + 1);
            }
            out.add(new Source(i, model, source, a.hook().name(), a.dSae()));
        }
        this.sources = List.copyOf(out);
        this.folders = List.copyOf(folders);
    }

    /** From the folder's {@code sparsity.safetensors} (log10 density over the trainer's last window), if it has one. */
    @Override
    public Optional<double[]> densities(Source source) {
        return densities.computeIfAbsent(source.sae(), i -> {
            Path file = folders.get(i).resolve(SaeLensFolder.SPARSITY);
            if (!Files.isRegularFile(file)) return Optional.empty();
            float[] log10 = Safetensors.read(file).floats(SaeLensFolder.SPARSITY_TENSOR);
            if (log10.length != source.dSae())
                throw new IllegalStateException(
                        file + " holds " + log10.length + " densities for d_sae " + source.dSae());
            double[] d = new double[log10.length];
            for (int f = 0; f < d.length; f++) d[f] = Math.pow(10, log10[f]);
            return Optional.of(d);
        });
    }

    @Override
    public List<Source> all() {
        return sources;
    }

    private static String neuronpediaId(Path folder) {
        try {
            JsonNode id = new ObjectMapper()
                    .readTree(folder.resolve("cfg.json").toFile())
                    .path("metadata")
                    .path("neuronpedia_id");
            return id.isTextual() && !id.asText().isBlank() ? id.asText().trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("cfg.json"), e);
        }
    }
}

package dev.nanochat.sae.viz.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.runtime.AttachedSae;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Neuronpedia ids of SAELens folders: {@code metadata.neuronpedia_id} ("model/source") when cfg.json has
 * one, else (the runtime's model id, {@code <layer>-<folder name>}) — Neuronpedia's source form.
 */
public final class FolderSaeSources implements SaeSources {
    private final List<Source> sources;

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

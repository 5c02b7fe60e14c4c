package dev.nanochat.sae.neuronpedia.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link UploadProgress} in a small JSON file ({@code {key: {state, digest}}}), rewritten through a
 * temp file and an atomic rename on every change so a crash leaves the previous or the new state.
 */
public final class FileUploadProgress implements UploadProgress {
    private final Path file;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    public FileUploadProgress(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                JsonNode n = NeuronpediaClient.JSON.readTree(file.toFile());
                n.fields()
                        .forEachRemaining(e -> steps.put(
                                e.getKey(),
                                new Step(
                                        State.valueOf(e.getValue().path("state").asText()),
                                        e.getValue().path("digest").asText())));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException(
                        "upload progress file " + file + " is unreadable: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized Optional<Step> step(String key) {
        return Optional.ofNullable(steps.get(key));
    }

    @Override
    public synchronized void mark(String key, State state, String digest) {
        steps.put(key, new Step(state, digest));
        ObjectNode o = NeuronpediaClient.JSON.createObjectNode();
        steps.forEach((k, s) -> o.putObject(k).put("state", s.state().name()).put("digest", s.digest()));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, NeuronpediaClient.JSON.writeValueAsBytes(o));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing upload progress " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.nanochat.sae.eval;

import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the nanochat checkpoint behind a stable model id (e.g. {@code d2-000600}, {@code sft-d20-000700})
 * under a list of configured base directories.
 *
 * <p>Design: a model id is parsed back into (source, tag, step) — the inverse of
 * {@code ModelCheckpoint.modelId()} — with a strict pattern, so an id from Kafka can never name a path
 * outside the roots ({@code ..} or separators are rejected before touching the file system). A miss is a
 * result with the reasons, not an exception: the spliced metrics are optional.
 */
public final class ModelLocator {
    private static final Pattern MODEL_ID =
            Pattern.compile("(?:(mid|sft|rl)-)?([A-Za-z0-9_][A-Za-z0-9_.]*)-(\\d{1,9})");

    /** Either a checkpoint or why none was found. */
    public record Located(ModelCheckpoint ref, String reason) {
        public boolean found() {
            return ref != null;
        }
    }

    private final List<Path> roots;

    public ModelLocator(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public Located locate(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return new Located(null, "event names no model id");
        }
        Matcher m = MODEL_ID.matcher(modelId);
        if (!m.matches() || m.group(2).contains("..")) {
            return new Located(null, "model id '" + modelId + "' is not of the form [source-]tag-step");
        }
        if (roots.isEmpty()) {
            return new Located(null, "no model roots configured");
        }
        String source = m.group(1) == null ? "base" : m.group(1);
        String tag = m.group(2);
        int step = Integer.parseInt(m.group(3));
        List<String> misses = new ArrayList<>();
        for (Path root : roots) {
            try {
                ModelCheckpoint ref = ModelCheckpoints.resolve(root, source, tag, step);
                if (modelId.equals(ref.modelId())) {
                    return new Located(ref, null);
                }
                misses.add(root + ": resolved to " + ref.modelId());
            } catch (RuntimeException e) {
                misses.add(root + ": " + e.getMessage());
            }
        }
        return new Located(null, "model " + modelId + " not found under model roots: " + String.join("; ", misses));
    }
}

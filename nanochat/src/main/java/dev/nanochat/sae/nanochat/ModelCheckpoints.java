package dev.nanochat.sae.nanochat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds checkpoints the way nanochat's checkpoint_manager does: base dir ($NANOCHAT_BASE_DIR, else
 * ~/.cache/nanochat) / {base,mid,chatsft,chatrl}_checkpoints / tag / model_<step:06d>.pt. Default tag
 * is the largest `d<N>` (else the newest directory), default step the largest model file.
 */
public final class ModelCheckpoints {
    private static final Map<String, String> SOURCE_DIRS = Map.of(
            "base",
            "base_checkpoints",
            "mid",
            "mid_checkpoints",
            "sft",
            "chatsft_checkpoints",
            "rl",
            "chatrl_checkpoints");
    private static final Pattern DEPTH_TAG = Pattern.compile("d(\\d+)");
    private static final Pattern MODEL_FILE = Pattern.compile("model_(\\d+)\\.pt");

    private ModelCheckpoints() {}

    public static Path defaultBaseDir() {
        String env = System.getenv("NANOCHAT_BASE_DIR");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "nanochat");
    }

    public static String sourceDir(String source) {
        String dir = SOURCE_DIRS.get(source);
        if (dir == null)
            throw new IllegalArgumentException(
                    "unknown checkpoint source '" + source + "' (expected base, mid, sft or rl)");
        return dir;
    }

    public static ModelCheckpoint resolve(Path baseDir, String source, String tagOrNull, Integer stepOrNull) {
        Path root = baseDir.resolve(sourceDir(source == null ? "base" : source));
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("no checkpoint directory " + root);
        String tag = tagOrNull != null ? tagOrNull : largestTag(root);
        Path dir = root.resolve(tag);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no checkpoint tag '" + tag + "' in " + root);
        int step = stepOrNull != null ? stepOrNull : largestStep(dir);
        String suffix = String.format("%06d", step);
        Path model = dir.resolve("model_" + suffix + ".pt");
        Path meta = dir.resolve("meta_" + suffix + ".json");
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("checkpoint file missing: " + model);
        if (!Files.isRegularFile(meta)) throw new IllegalArgumentException("checkpoint meta file missing: " + meta);
        return new ModelCheckpoint(baseDir, source == null ? "base" : source, tag, step, model, meta, readMeta(meta));
    }

    /** The `model_config` of a meta_*.json file. */
    public static ModelConfig readMeta(Path metaFile) {
        try {
            JsonNode root = new ObjectMapper().readTree(metaFile.toFile());
            JsonNode cfg = root == null ? null : root.get("model_config");
            if (cfg == null || !cfg.isObject())
                throw new IllegalArgumentException(metaFile + ": no 'model_config' object");
            return ModelConfig.fromJson(cfg);
        } catch (IOException e) {
            throw new UncheckedIOException(metaFile + ": unreadable meta JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(metaFile + ": " + e.getMessage(), e);
        }
    }

    private static String largestTag(Path root) {
        List<Path> dirs = list(root).filter(Files::isDirectory).toList();
        if (dirs.isEmpty()) throw new IllegalArgumentException("no checkpoint tags in " + root);
        Optional<Path> deepest = dirs.stream()
                .filter(p -> DEPTH_TAG.matcher(name(p)).lookingAt())
                .max(Comparator.comparingInt(ModelCheckpoints::depth));
        Path pick = deepest.orElseGet(() -> dirs.stream()
                .max(Comparator.comparingLong(ModelCheckpoints::mtime))
                .orElseThrow());
        return name(pick);
    }

    /** nanochat uses re.match(r"d(\\d+)", tag): a prefix match, so `d20_long` has depth 20. */
    private static int depth(Path p) {
        Matcher m = DEPTH_TAG.matcher(name(p));
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int largestStep(Path dir) {
        return list(dir)
                .map(p -> MODEL_FILE.matcher(name(p)))
                .filter(Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1)))
                .max()
                .orElseThrow(() -> new IllegalArgumentException("no model_<step>.pt files in " + dir));
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}

package dev.nanochat.sae.collector.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Model and data roots for one test run under {@code target/}: the nanochat-d2 fixture copied under a
 * fresh checkpoint tag (so the model id, and with it every activation topic, is unique to the run)
 * and the Moby-Dick fixture repeated {@code copies} times as the corpus. {@link #close()} deletes the
 * topics of the given hooks and the run's files.
 */
public final class ScratchModel implements AutoCloseable {
    public static final String BASE_DIR = "nanochat-d2";
    public static final String CORPUS = "moby-repeated.txt";

    private final Path dir;
    private final String tag;
    private final List<String> hooks;

    public ScratchModel(int copies, List<String> hooks) {
        this.hooks = List.copyOf(hooks);
        tag = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        dir = Path.of("target", "it-" + tag).toAbsolutePath();
        try {
            Path fixture = Fixtures.resource("/models/" + BASE_DIR);
            copyFiles(
                    fixture.resolve("tokenizer"), modelRoot().resolve(BASE_DIR).resolve("tokenizer"));
            copyFiles(
                    fixture.resolve("base_checkpoints/d2"), modelRoot().resolve(BASE_DIR + "/base_checkpoints/" + tag));
            byte[] text = Files.readAllBytes(Fixtures.resource("/data/" + Fixtures.MOBY));
            Files.createDirectories(dataRoot());
            try (var out = Files.newOutputStream(corpus())) {
                for (int i = 0; i < copies; i++) {
                    out.write(text);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path modelRoot() {
        return dir.resolve("models");
    }

    public Path dataRoot() {
        return dir.resolve("data");
    }

    public Path corpus() {
        return dataRoot().resolve(CORPUS);
    }

    public Path tokenizerDir() {
        return modelRoot().resolve(BASE_DIR).resolve("tokenizer");
    }

    /** Checkpoint tag; the fixture is step 600, so the model id is {@code <tag>-000600}. */
    public String tag() {
        return tag;
    }

    public String topic(String hook) {
        return "sae.activations." + tag + "-000600." + hook;
    }

    /** Deletes the run's topics (missing ones are fine) and files. */
    @Override
    public void close() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicReader.BOOTSTRAP))) {
            admin.deleteTopics(hooks.stream().map(this::topic).toList()).all().get();
        } catch (Exception e) {
            System.err.println("could not delete the test topics of " + tag + ": " + e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}

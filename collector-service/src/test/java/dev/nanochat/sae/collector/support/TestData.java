package dev.nanochat.sae.collector.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files the service tests need beside the resources, under the %test roots target/test-data and
 * target/test-models: corpora with invalid UTF-8 or an unreadable gzip, a longer corpus, symlinks that
 * escape, and a corrupt checkpoint.
 */
public final class TestData {
    public static final Path DATA = Path.of("target/test-data");
    public static final Path MODELS = Path.of("target/test-models");
    public static final int INVALID_LINES = 3;

    private TestData() {}

    public static synchronized void create() {
        try {
            Files.createDirectories(DATA);
            Files.createDirectories(MODELS);
            Path moby = Fixtures.resource("/data/" + Fixtures.MOBY);
            byte[] text = Files.readAllBytes(moby);
            byte[] bad = {'W', 'h', 'a', 'l', 'e', ' ', (byte) 0xC3, (byte) 0x28, '\n'
            }; // 0xC3 needs a continuation byte
            try (var out = Files.newOutputStream(DATA.resolve("with-invalid-utf8.txt"))) {
                for (int i = 0; i < INVALID_LINES; i++) {
                    out.write(bad);
                }
                out.write(text);
            }
            try (var out = Files.newOutputStream(DATA.resolve("moby-x40.txt"))) {
                for (int i = 0; i < 40; i++) {
                    out.write(text);
                }
            }
            var gz = new java.io.ByteArrayOutputStream();
            try (var z = new java.util.zip.GZIPOutputStream(gz)) {
                z.write(text);
            }
            // a gzip stream cut after its header and a few bytes of deflate data: unreadable from the start
            Files.write(DATA.resolve("broken.txt.gz"), java.util.Arrays.copyOf(gz.toByteArray(), 14));
            Path outside = Files.createDirectories(Path.of("target/outside"));
            Files.writeString(outside.resolve("secret.txt"), "not for the collector\n");
            link(DATA.resolve("escape.txt"), outside.toAbsolutePath().resolve("secret.txt"));
            Path corrupt = MODELS.resolve("corrupt/base_checkpoints/d2");
            Files.createDirectories(corrupt);
            Path good = Fixtures.resource("/models/nanochat-d2");
            copyDir(good.resolve("tokenizer"), MODELS.resolve("corrupt/tokenizer"));
            Files.copy(
                    good.resolve("base_checkpoints/d2/meta_000600.json"),
                    corrupt.resolve("meta_000600.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            byte[] model = Files.readAllBytes(good.resolve("base_checkpoints/d2/model_000600.pt"));
            Files.write(corrupt.resolve("model_000600.pt"), java.util.Arrays.copyOf(model, model.length / 3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}

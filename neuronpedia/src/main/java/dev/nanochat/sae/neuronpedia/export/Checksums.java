package dev.nanochat.sae.neuronpedia.export;

import dev.nanochat.sae.core.io.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code SHA256SUMS} in sha256sum's format ({@code <hex>  <relative path>}, sorted, '/' separators),
 * so {@code sha256sum -c SHA256SUMS} verifies an unpacked package.
 */
public final class Checksums {
    public static final String FILE = "SHA256SUMS";

    private Checksums() {}

    public static void write(Path dir) {
        StringBuilder sb = new StringBuilder();
        for (Path f : files(dir)) {
            if (f.getFileName().toString().equals(FILE)) continue;
            sb.append(Digests.sha256(f)).append("  ").append(relative(dir, f)).append('\n');
        }
        try {
            Files.writeString(dir.resolve(FILE), sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files whose digest differs from SHA256SUMS (or that are missing): empty when the package is intact. */
    public static List<String> verify(Path dir) {
        try {
            return Files.readAllLines(dir.resolve(FILE)).stream()
                    .filter(l -> !l.isBlank())
                    .filter(l -> {
                        String hex = l.substring(0, 64);
                        Path f = dir.resolve(l.substring(66));
                        return !Files.isRegularFile(f) || !Digests.sha256(f).equals(hex);
                    })
                    .map(l -> l.substring(66))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Regular files under dir, sorted by relative path, hidden atomic-write markers excluded. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }
}

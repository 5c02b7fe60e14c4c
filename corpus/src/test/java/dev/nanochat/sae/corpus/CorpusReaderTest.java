package dev.nanochat.sae.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {
    @TempDir
    Path dir;

    private static final byte[] BAD_UTF8 = {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '\n'};

    static List<Document> readAll(CorpusReader r) {
        List<Document> out = new ArrayList<>();
        for (Document d; (d = r.next()) != null; ) out.add(d);
        return out;
    }

    private Path write(String name, boolean gzip, byte[]... parts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] p : parts) bytes.write(p);
        Path file = dir.resolve(name);
        try (OutputStream out =
                gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
        return file;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesSkipInvalidUtf8AndBlankButKeepSlotNumbers() throws IOException {
        Path f = write("a.txt.gz", true, utf8("first dóc\r\n"), BAD_UTF8, utf8("\n  \nlast 😀"));
        try (CorpusReader r = Corpus.of(f).open()) {
            List<Document> docs = readAll(r);
            assertEquals(
                    List.of("first dóc", "last 😀"),
                    docs.stream().map(Document::text).toList());
            assertEquals("a.txt.gz:0", docs.get(0).id());
            assertEquals("a.txt.gz:4", docs.get(1).id(), "slot numbers count skipped lines");
            assertEquals(4L, docs.get(1).key());
            CorpusStats s = r.stats();
            assertEquals(2, s.documents());
            assertEquals(1, s.invalidUtf8());
            assertEquals(2, s.empty());
            assertEquals(new CorpusPosition(1, 0), r.position(), "exhausted: past the only file");
        }
    }

    @Test
    void paragraphsAreBlankLineSeparated() throws IOException {
        Path f = write("p.txt", false, utf8("\n\nOne line\nand two.\n \n\n\nSecond para\n"), BAD_UTF8, utf8("\nThird"));
        try (CorpusReader r = Corpus.of(f, CorpusFormat.PARAGRAPHS).open()) {
            assertEquals(
                    List.of("One line\nand two.", "Third"),
                    readAll(r).stream().map(Document::text).toList());
            assertEquals(1, r.stats().invalidUtf8(), "the paragraph holding the bad line is skipped whole");
        }
    }

    @Test
    void jsonlTakesTextFieldAndCountsMalformedLines() throws IOException {
        Path f = write(
                "d.jsonl",
                false,
                utf8("{\"text\": \"hello\\nworld\", \"id\": 3}\n"),
                utf8("{\"text\": 42}\n"),
                utf8("not json\n"),
                utf8("{\"other\": \"x\"}\n"),
                BAD_UTF8,
                utf8("{\"text\": \"\"}\n"),
                utf8("{\"text\": \"Grüße\"}"));
        try (CorpusReader r = Corpus.of(f).open()) {
            assertEquals(
                    List.of("hello\nworld", "Grüße"),
                    readAll(r).stream().map(Document::text).toList());
            assertEquals(new CorpusStats(2, 1, 1, 3, r.stats().textBytes()), r.stats());
        }
    }

    @Test
    void lineDocTakesTheBody() throws IOException {
        Path f = write("x.lines.txt", false, utf8("Title\t2004-03-30\tThe body\there\nno tabs line\n"));
        try (CorpusReader r = Corpus.of(f).open()) {
            assertEquals(
                    List.of("The body\there"),
                    readAll(r).stream().map(Document::text).toList());
            assertEquals(1, r.stats().malformed());
        }
    }

    @Test
    void parquetShardsReadTextColumnAcrossRowGroupsAndResume() throws IOException {
        Path base = dir.resolve("base_data");
        Files.createDirectories(base);
        List<String> shard0 = new ArrayList<>();
        for (int i = 0; i < 300; i++) shard0.add(i == 7 ? null : "shard zero document " + i + " ünïcode");
        List<String> shard1 = List.of("one", "two", "three");
        ParquetFixtures.writeShard(base.resolve("shard_00000.parquet"), shard0, CompressionCodecName.ZSTD);
        ParquetFixtures.writeShard(base.resolve("shard_00001.parquet"), shard1, CompressionCodecName.SNAPPY);
        Files.writeString(base.resolve("notes.md"), "not a shard");

        Corpus corpus = Corpus.of(dir);
        assertEquals(CorpusFormat.PARQUET, corpus.format());
        assertEquals(2, corpus.files().size());
        List<Document> all;
        try (CorpusReader r = corpus.open()) {
            all = readAll(r);
            assertEquals(299 + 3, all.size());
            assertEquals(1, r.stats().empty(), "the null cell");
        }
        assertEquals("shard zero document 0 ünïcode", all.get(0).text());
        assertEquals("shard_00000.parquet:8", all.get(7).id());
        assertEquals("three", all.get(all.size() - 1).text());
        assertEquals(Document.key(1, 2), all.get(all.size() - 1).key());

        // Resume after 250 documents: exactly the rest, even though the skip spans several row groups.
        CorpusPosition mid;
        try (CorpusReader r = corpus.open()) {
            for (int i = 0; i < 250; i++) r.next();
            mid = r.position();
        }
        assertEquals(new CorpusPosition(0, 251), mid);
        try (CorpusReader r = corpus.open(CorpusPosition.parse(mid.encode()))) {
            assertEquals(all.subList(250, all.size()), readAll(r));
        }
    }

    @Test
    void resumeAcrossFilesAndBadPositions() throws IOException {
        Path a = write("a.txt", false, utf8("a0\na1\n"));
        Path b = write("b.txt", false, utf8("b0\nb1\nb2\n"));
        Corpus corpus = Corpus.of(dir);
        assertEquals(List.of(a, b), corpus.files());
        try (CorpusReader r = corpus.open(new CorpusPosition(1, 1))) {
            assertEquals(
                    List.of("b1", "b2"), readAll(r).stream().map(Document::text).toList());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> corpus.open(new CorpusPosition(0, 5)));
        assertTrue(e.getMessage().contains("a.txt has only 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> corpus.open(new CorpusPosition(3, 0)));
        assertThrows(IllegalArgumentException.class, () -> CorpusPosition.parse("x:1"));
        try (CorpusReader r = corpus.open(new CorpusPosition(2, 0))) {
            assertNull(r.next());
        }
    }

    @Test
    void parquetWithoutTextColumnNamesTheColumns() throws IOException {
        Path f = dir.resolve("shard_00000.parquet");
        org.apache.parquet.schema.MessageType schema = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
                "message m { required binary body (STRING); }");
        try (var w = org.apache.parquet.hadoop.example.ExampleParquetWriter.builder(
                        new org.apache.parquet.io.LocalOutputFile(f))
                .withConf(new org.apache.parquet.conf.PlainParquetConfiguration())
                .withType(schema)
                .build()) {
            w.write(new org.apache.parquet.example.data.simple.SimpleGroupFactory(schema)
                    .newGroup()
                    .append("body", "x"));
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Corpus.of(f).open().next());
        assertTrue(e.getMessage().contains("no column 'text'") && e.getMessage().contains("[body]"), e.getMessage());
    }

    @Test
    void corruptParquetFailsWithTheFileName() throws IOException {
        Path f = write("shard_00003.parquet", false, utf8("PAR1 this is not parquet at all PAR1"));
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> Corpus.of(f).open().next());
        assertTrue(e.getMessage().contains("shard_00003.parquet"), e.getMessage());
    }
}

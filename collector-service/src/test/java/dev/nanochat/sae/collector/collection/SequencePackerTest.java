package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequencePackerTest {
    static final int BOS = 1000;
    /** Byte-level stand-in tokenizer: packing logic does not depend on the vocabulary. */
    static final Function<String, int[]> BYTES = s -> {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xFF;
        }
        return ids;
    };

    static Path moby() throws Exception {
        return Path.of(
                SequencePackerTest.class.getResource("/data/moby-dick-ch1.txt").toURI());
    }

    static List<PackedSequence> drain(SequencePacker p) {
        List<PackedSequence> out = new ArrayList<>();
        for (PackedSequence s; (s = p.next()) != null; ) {
            out.add(s);
        }
        return out;
    }

    @Test
    void documents_start_with_bos_and_windows_are_cut_at_the_context_size() throws Exception {
        Corpus corpus = Corpus.of(List.of(moby()), CorpusFormat.LINES);
        List<String> paragraphs =
                Files.readAllLines(moby()).stream().filter(l -> !l.isBlank()).toList();
        long expectedTokens = paragraphs.stream()
                .mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1)
                .sum();
        try (SequencePacker p =
                new SequencePacker(corpus, BYTES, BOS, new EvalSplit(0, 0), 256, CollectionPosition.START)) {
            List<PackedSequence> windows = drain(p);
            long total = windows.stream().mapToLong(PackedSequence::length).sum();
            assertEquals(expectedTokens, total);
            for (int i = 0; i < windows.size() - 1; i++) {
                assertEquals(256, windows.get(i).length());
            }
            assertTrue(windows.get(windows.size() - 1).length() < 256);
            assertEquals(BOS, windows.get(0).tokens()[0]);
            assertEquals('C', windows.get(0).tokens()[1]);
            long bos = windows.stream()
                    .flatMapToInt(w -> java.util.Arrays.stream(w.tokens()))
                    .filter(t -> t == BOS)
                    .count();
            assertEquals(paragraphs.size(), bos);
            assertEquals(paragraphs.size(), p.position().documents());
        }
    }

    @Test
    void resuming_at_any_reported_position_yields_exactly_the_remaining_windows() throws Exception {
        Corpus corpus = Corpus.of(List.of(moby()), CorpusFormat.LINES);
        EvalSplit split = new EvalSplit(5, 0.3);
        List<PackedSequence> all;
        List<CollectionPosition> positions = new ArrayList<>();
        try (SequencePacker p = new SequencePacker(corpus, BYTES, BOS, split, 100, CollectionPosition.START)) {
            all = new ArrayList<>();
            for (PackedSequence s; (s = p.next()) != null; ) {
                all.add(s);
                positions.add(p.position());
            }
        }
        for (int k = 0; k < all.size(); k++) {
            try (SequencePacker resumed = new SequencePacker(corpus, BYTES, BOS, split, 100, positions.get(k))) {
                List<PackedSequence> rest = drain(resumed);
                assertEquals(all.size() - k - 1, rest.size(), "windows after resume at " + k);
                for (int i = 0; i < rest.size(); i++) {
                    PackedSequence want = all.get(k + 1 + i);
                    assertArrayEquals(want.tokens(), rest.get(i).tokens());
                    assertArrayEquals(want.docKeys(), rest.get(i).docKeys());
                    assertArrayEquals(want.eval(), rest.get(i).eval());
                }
            }
        }
    }

    @Test
    void eval_flags_follow_whole_documents(@TempDir Path tmp) throws Exception {
        Corpus corpus = Corpus.of(List.of(moby()), CorpusFormat.LINES);
        EvalSplit split = new EvalSplit(11, 0.4);
        try (SequencePacker p = new SequencePacker(corpus, BYTES, BOS, split, 64, CollectionPosition.START)) {
            java.util.Map<Long, Boolean> seen = new java.util.HashMap<>();
            for (PackedSequence w : drain(p)) {
                for (int i = 0; i < w.length(); i++) {
                    Boolean prev = seen.put(w.docKeys()[i], w.eval()[i]);
                    assertTrue(prev == null || prev == w.eval()[i], "document split changed mid-document");
                }
            }
            assertTrue(seen.containsValue(true) && seen.containsValue(false), "both splits present: " + seen);
        }
    }

    @Test
    void invalid_utf8_lines_are_skipped_and_counted(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("mixed.txt");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, '\n'}; // 0xC3 must be followed by a continuation byte
        Files.write(
                f,
                concat(
                        "Call me Ishmael.\n".getBytes(StandardCharsets.UTF_8),
                        bad,
                        bad,
                        "Some years ago.\n".getBytes(StandardCharsets.UTF_8)));
        try (SequencePacker p = new SequencePacker(
                Corpus.of(List.of(f), CorpusFormat.LINES),
                BYTES,
                BOS,
                new EvalSplit(0, 0),
                1000,
                CollectionPosition.START)) {
            PackedSequence w = p.next();
            assertEquals("Call me Ishmael.".length() + "Some years ago.".length() + 2, w.length());
            assertEquals(2, p.stats().invalidUtf8());
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

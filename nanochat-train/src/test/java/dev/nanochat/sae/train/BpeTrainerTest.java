package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
    static final String TEXT =
            """
            The European Parliament adopted the resolution on the protection of the environment.
            Il Parlamento europeo ha adottato la risoluzione sulla protezione dell'ambiente.
            Das Europäische Parlament hat die Entschließung zum Schutz der Umwelt angenommen.
            Le Parlement européen a adopté la résolution sur la protection de l'environnement.
            Europaparlamentet antog resolutionen om skydd av miljön 2004-03-30, we're done.
            """;

    static BpeVocabulary trainSmall(int vocab) {
        BpeTrainer t = new BpeTrainer();
        for (int i = 0; i < 3; i++) t.add(TEXT);
        return t.train(vocab);
    }

    @Test
    void learnsTheMostFrequentPairFirst() {
        BpeTrainer t = new BpeTrainer();
        t.add("aaab aaab aaab xy");
        BpeVocabulary v = t.train(256 + 9 + 2);
        // chunks: "aaab"×1, " aaab"×2, " xy"×1. Pair counts: (a,a)=6, (a,b)=3, (' ',a)=2, ...
        assertEquals("aa", new String(v.tokens().get(256), StandardCharsets.UTF_8));
        assertEquals(6, v.mergeCounts()[0]);
        // after aa: (aa,a)=3 and (a,b)=3 tie; rustbpe takes the smaller pair (a=97,b=98) < (256,97)
        assertEquals("ab", new String(v.tokens().get(257), StandardCharsets.UTF_8));
        assertEquals(3, v.mergeCounts()[1]);
        assertEquals(258 + 9, v.vocabSize());
    }

    @Test
    void ranksAreBytesThenMergesOfLowerRanksWithNonIncreasingCounts() {
        BpeVocabulary v = trainSmall(400);
        assertEquals(400, v.vocabSize());
        assertEquals(391 - 256, v.merges());
        for (int b = 0; b < 256; b++)
            assertArrayEquals(new byte[] {(byte) b}, v.tokens().get(b));
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < v.tokens().size(); r++) {
            String k = new String(v.tokens().get(r), StandardCharsets.ISO_8859_1);
            assertTrue(seen.add(k), "rank " + r + " duplicates an earlier token");
            if (r >= 256) {
                assertTrue(splitsIntoLowerRanks(k, seen, r), "rank " + r + " is not a merge of two lower ranks");
                if (r > 256)
                    assertTrue(v.mergeCounts()[r - 256] <= v.mergeCounts()[r - 257], "counts rise at rank " + r);
            }
        }
    }

    private static boolean splitsIntoLowerRanks(String k, Set<String> lower, int r) {
        for (int i = 1; i < k.length(); i++) {
            if (lower.contains(k.substring(0, i))
                    && lower.contains(k.substring(i))
                    && !k.substring(0, i).equals(k)) return true;
        }
        return false;
    }

    @Test
    void encodingWithTheTrainedRanksRoundTripsAndCompresses() {
        BpeVocabulary v = trainSmall(440);
        NaiveTiktokenEncoder enc = new NaiveTiktokenEncoder(v);
        for (String s : List.of(TEXT, "unseen: Ωμέγα 12345 \t\n  tabs  ", "😀 emoji and 中文")) {
            List<Integer> ids = enc.encode(s);
            assertEquals(s, enc.decode(ids));
        }
        int bytes = TEXT.getBytes(StandardCharsets.UTF_8).length;
        int tokens = enc.encode(TEXT).size();
        assertTrue(
                tokens * 3 < bytes,
                "trained text should compress >3x, got " + bytes + " bytes → " + tokens + " tokens");
    }

    @Test
    void nanochatsTokenizerReadsTheWrittenFilesAndEncodesLikeTheOracle(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        BpeVocabulary v = trainSmall(440);
        dev.nanochat.sae.nanochat.Tokenizer tok = DemoModelBuilder.writeTokenizer(dir, v);
        assertEquals(440, tok.vocabSize());
        assertEquals(431, tok.bosId(), "specials sit right after the ranks, <|bos|> first");
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("token_bytes.pt")));
        NaiveTiktokenEncoder oracle = new NaiveTiktokenEncoder(v);
        for (String s : List.of(TEXT, "unseen: Ωμέγα 12345 \t\n  tabs  ", "we're 2004-03-30")) {
            int[] ids = tok.encodeOrdinary(s);
            assertEquals(oracle.encode(s), java.util.Arrays.stream(ids).boxed().toList(), s);
            assertEquals(s, tok.decode(ids));
        }
    }

    @Test
    void tooSmallCorpusOrVocabFailsClearly() {
        BpeTrainer t = new BpeTrainer();
        t.add("ab");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.train(256 + 9 + 5));
        assertTrue(e.getMessage().contains("corpus too small"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.train(100));
    }
}

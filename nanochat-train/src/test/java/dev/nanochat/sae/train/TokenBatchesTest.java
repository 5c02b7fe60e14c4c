package dev.nanochat.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenBatchesTest {
    @TempDir
    Path dir;

    /** "Encoder" that maps each char to its code: the stream is easy to predict by hand. */
    private static int[] chars(String s) {
        return s.chars().toArray();
    }

    @Test
    void documentsStartWithBosAndRowsOverlapByOneToken() throws Exception {
        Path f = dir.resolve("d.txt");
        Files.writeString(f, "abc\ndefg\nhi\n");
        Corpus corpus = Corpus.of(f, CorpusFormat.LINES);
        TokenBatches b =
                new TokenBatches(corpus::open, d -> !d.text().equals("hi"), TokenBatchesTest::chars, 0, 2, 3, false);
        // stream: 0 a b c 0 d e f g ; rows of 4 advancing by 3
        int[][] first = b.next();
        assertArrayEquals(new int[] {0, 'a', 'b', 'c'}, first[0]);
        assertArrayEquals(new int[] {'c', 0, 'd', 'e'}, first[1]);
        assertNull(b.next(), "not looping: the rest (e f g) is less than a row");
        assertEquals(2, b.documents(), "the filtered document is skipped");

        TokenBatches looping = new TokenBatches(corpus::open, d -> true, TokenBatchesTest::chars, 0, 1, 3, true);
        for (int i = 0; i < 6; i++) looping.next();
        assertEquals(1, looping.epochs(), "17 tokens consumed from a 12-token corpus: one full pass");
        assertEquals(new int[][] {{0, 'a', 'b', 'c'}}[0].length, 4);
    }
}

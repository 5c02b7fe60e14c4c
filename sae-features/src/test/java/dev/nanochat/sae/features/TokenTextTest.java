package dev.nanochat.sae.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TokenTextTest {
    @Test
    void partialUtf8ShowsItsBytes() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        assertEquals("<0xE2><0x82>", TokenText.fromBytes(new byte[] {euro[0], euro[1]}));
        assertEquals("<0xAC>x", TokenText.fromBytes(new byte[] {euro[2], 'x'}));
        assertEquals("a€", TokenText.fromBytes("a€".getBytes(StandardCharsets.UTF_8)));
        assertEquals("<0xFF>", TokenText.fromBytes(new byte[] {(byte) 0xFF}));
    }

    @Test
    void charactersSplitOverTokensAreDrawnOnce() {
        // "café" as the tokens "caf", <0xC3>, <0xA9>: é appears on the token completing it.
        assertEquals(
                java.util.List.of("caf", "", "é", " x"),
                TokenText.joinPartial(java.util.List.of("caf", "<0xC3>", "<0xA9>", " x")));
        // "caf<0xC3>" + "<0xA9>s": the lead byte's token keeps its text.
        assertEquals(java.util.List.of("caf", "és"), TokenText.joinPartial(java.util.List.of("caf<0xC3>", "<0xA9>s")));
        // A byte that never completes stays visible.
        assertEquals(java.util.List.of("a<0xC3>", "b"), TokenText.joinPartial(java.util.List.of("a<0xC3>", "b")));
    }

    @Test
    void whitespaceIsVisible() {
        assertEquals("·the", TokenText.visible(" the"));
        assertEquals("↵↵", TokenText.visible("\n\n"));
        assertEquals("⇥x", TokenText.visible("\tx"));
        assertEquals("<0x01>a", TokenText.visible("\u0001a"));
    }

    @Test
    void realTokenizerTableDecodesWhatItEncodes() throws Exception {
        Tokenizer tok = Tokenizer.load(
                Path.of(getClass().getResource("/nanochat-d2/tokenizer").toURI()));
        TokenText text = TokenText.of(tok);
        assertEquals(tok.vocabSize(), text.vocabSize());
        int partial = 0;
        for (int id = 0; id < text.vocabSize(); id++) {
            assertFalse(text.raw(id).isEmpty());
            if (text.raw(id).contains("<0x")) partial++;
        }
        assertTrue(partial > 0, "a byte-level vocabulary has single-byte tokens that are not UTF-8 on their own");
        String s = "Hello world, the cat sat.\n";
        StringBuilder joined = new StringBuilder();
        for (int id : tok.encodeOrdinary(s)) joined.append(text.raw(id));
        assertEquals(s, joined.toString());
        assertEquals("<|bos|>", text.raw(tok.bosId()));
    }
}

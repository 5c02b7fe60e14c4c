package dev.nanochat.sae.nanochat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class TokenizerFixtureTest {
    private final Tokenizer tok = Tokenizer.load(Fixture.baseDir().resolve("tokenizer"));

    @Test
    void idsEqualNanochatsForEveryReferenceText() {
        JsonNode cases = Fixture.reference().get("tokenization");
        assertEquals(8, cases.size());
        for (JsonNode c : cases) {
            int[] expected = StreamSupport.stream(c.get("ids").spliterator(), false)
                    .mapToInt(JsonNode::intValue)
                    .toArray();
            String text = c.get("text").asText();
            assertArrayEquals(expected, tok.encodeOrdinary(text), "ids of " + text);
            assertEquals(text, tok.decode(expected), "decode round trip of " + text);
        }
    }

    @Test
    void specialTokensSitAtTheTopInNanochatsOrder() {
        assertEquals(1024, tok.vocabSize());
        List<String> names = List.of(
                "<|bos|>",
                "<|user_start|>",
                "<|user_end|>",
                "<|assistant_start|>",
                "<|assistant_end|>",
                "<|python_start|>",
                "<|python_end|>",
                "<|output_start|>",
                "<|output_end|>");
        for (int i = 0; i < names.size(); i++) assertEquals(1015 + i, tok.specialId(names.get(i)));
        assertEquals(1015, tok.bosId());
    }

    @Test
    void specialTextIsOrdinaryUnlessAllowed() {
        int[] ordinary = tok.encodeOrdinary("<|bos|>hi");
        assertEquals(tok.decode(ordinary), "<|bos|>hi");
        assertEquals(false, ordinary[0] == tok.bosId());
        int[] special = tok.encode("<|bos|>hi", Set.of("<|bos|>"));
        assertEquals(tok.bosId(), special[0]);
        assertArrayEquals(tok.encodeOrdinary("hi"), java.util.Arrays.copyOfRange(special, 1, special.length));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> tok.encode("a<|user_end|>", Set.of()));
        assertEquals(true, e.getMessage().contains("<|user_end|>"));
    }

    @Test
    void decodeReplacesInvalidUtf8LikePython() {
        // "東" is e6 9d b1; cutting after two bytes leaves one maximal invalid subpart → one U+FFFD.
        byte[] east = "東".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("\uFFFD", dev.nanochat.sae.nanochat.tokenizer.Utf8Replace.decode(new byte[] {east[0], east[1]}));
        // Encoded surrogate ED A0 80: Python gives three replacements (Java's decoder gives one).
        assertEquals("\uFFFD\uFFFD\uFFFD", dev.nanochat.sae.nanochat.tokenizer.Utf8Replace.decode(new byte[] {
            (byte) 0xed, (byte) 0xa0, (byte) 0x80
        }));
        assertEquals(
                "\uFFFDA",
                dev.nanochat.sae.nanochat.tokenizer.Utf8Replace.decode(new byte[] {(byte) 0xf0, (byte) 0x9f, 'A'}));
        // Token 230 is the single byte 0xE6: decoding it alone yields U+FFFD.
        assertEquals("\uFFFD", tok.decode(new int[] {230}));
    }

    @Test
    void chatRenderingFollowsNanochat() {
        ChatRendering r = tok.renderChat(
                List.of(
                        new ChatMessage("system", "Be brief."),
                        new ChatMessage("user", "Hi"),
                        new ChatMessage("assistant", "Hello")),
                2048);
        int[] user = tok.encodeOrdinary("Be brief.\n\nHi");
        int[] asst = tok.encodeOrdinary("Hello");
        int n = 1 + 1 + user.length + 1 + 1 + asst.length + 1;
        assertEquals(n, r.ids().length);
        assertEquals(tok.bosId(), r.ids()[0]);
        assertEquals(tok.specialId("<|user_start|>"), r.ids()[1]);
        assertEquals(tok.specialId("<|assistant_end|>"), r.ids()[n - 1]);
        int masked = java.util.Arrays.stream(r.mask()).sum();
        assertEquals(asst.length + 1, masked, "only assistant content and its end token are trained on");
        int[] completion =
                tok.renderForCompletion(List.of(new ChatMessage("user", "Hi"), new ChatMessage("assistant", "x")));
        assertEquals(tok.specialId("<|assistant_start|>"), completion[completion.length - 1]);
        assertEquals(1 + 1 + tok.encodeOrdinary("Hi").length + 1 + 1, completion.length);
    }
}
